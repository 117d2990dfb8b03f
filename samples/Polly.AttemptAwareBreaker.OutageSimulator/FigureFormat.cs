using System.Globalization;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>How a figure is shown: in the table and in <c>--json</c>. A scenario that never reached its event measures NaN.</summary>
internal static class FigureFormat
{
    /// <summary>The metrics that are yes/no answers (measured as 1 or 0).</summary>
    public static bool IsYesNo(string metric) => metric is "permanentErrorsOpenedCircuit" or "slowDownstreamOpened";

    /// <summary>Returns the figure as the table shows it: "never", "true"/"false", or the number.</summary>
    public static string Text(string metric, double value) => double.IsNaN(value)
        ? "never"
        : IsYesNo(metric)
            ? (value > 0 ? "true" : "false")
            : value.ToString("#,0.###", CultureInfo.InvariantCulture);

    /// <summary>Returns the figure as JSON writes it: null for "never", a boolean for a yes/no metric, otherwise the number.</summary>
    public static object? Json(string metric, double value) => double.IsNaN(value) ? null : IsYesNo(metric) ? value > 0 : value;
}
