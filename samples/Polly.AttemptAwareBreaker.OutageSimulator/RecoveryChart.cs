using ScottPlot;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>Draws downstream requests per second in the outage-then-recovery scenario, one line per configuration.</summary>
internal static class RecoveryChart
{
    public static void Save(IReadOnlyDictionary<string, IReadOnlyList<int>> series, string path)
    {
        var plot = new Plot();
        foreach (var (configuration, perSecond) in series)
        {
            var xs = Enumerable.Range(0, perSecond.Count).Select(i => (double)i).ToArray();
            var ys = perSecond.Select(v => (double)v).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = configuration;
            line.LineWidth = 2;
        }

        plot.Add.VerticalLine(20, pattern: LinePattern.Dashed).LegendText = "downstream heals";
        plot.Title("Hard outage (0-20 s) then recovery: 100 callers");
        plot.XLabel("virtual time (s)");
        plot.YLabel("downstream requests per second");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SaveSvg(path, 900, 500);
    }
}
