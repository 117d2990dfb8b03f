using ScottPlot;
using SkiaSharp;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// Draws the overload scenario over time, one line per configuration: downstream attempts per second above, successful operations per
/// second (goodput) below, each with the downstream's capacity marked.
/// </summary>
internal static class OverloadChart
{
    private const int Width = 1000;
    private const int Height = 800;

    public static void Save(IReadOnlyDictionary<string, IReadOnlyList<int>> attempts, IReadOnlyDictionary<string, IReadOnlyList<int>> goodput, string path)
    {
        var figure = new Multiplot();
        figure.AddPlots(2);
        var top = figure.GetPlot(0);
        var bottom = figure.GetPlot(1);
        Draw(top, attempts);
        Draw(bottom, goodput);

        var capacity = PartialFailureScenarios.OverloadCapacity;
        Reference(top, 2 * capacity, LinePattern.Dashed, "2C (no success beyond)");
        Reference(top, capacity, LinePattern.Dotted, "capacity C");
        Reference(bottom, capacity, LinePattern.Dotted, "capacity C");

        top.Title($"Overload: {PartialFailureScenarios.OverloadOfferedRate:0} operations/s offered, capacity C = {capacity:0}/s with linear collapse");
        top.YLabel("downstream attempts per second");
        bottom.YLabel("successful operations per second");
        bottom.XLabel("virtual time (s)");

        // Both legends outside on the right, of the same width (the longest row name), so the two time axes line up.
        top.ShowLegend(Edge.Right);
        bottom.ShowLegend(Edge.Right);
        figure.SharedAxes.ShareX([top, bottom]);

        // A figure of several plots renders onto a canvas (only a single plot saves SVG itself): SkiaSharp's SVG canvas, which ScottPlot uses.
        using var file = File.Create(path);
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), file))
        {
            figure.Render(canvas, new PixelRect(0, Width, Height, 0));
        }
    }

    private static void Draw(Plot plot, IReadOnlyDictionary<string, IReadOnlyList<int>> series)
    {
        foreach (var (configuration, perSecond) in series)
        {
            var xs = Enumerable.Range(0, perSecond.Count).Select(i => (double)i).ToArray();
            var ys = perSecond.Select(v => (double)v).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = configuration;
            if (configuration == Configurations.AttemptAwareAdaptive.Name)
            {
                line.Color = Colors.Black;
                line.LineWidth = 3;
            }
            else
            {
                line.Color = line.Color.WithAlpha(0.7);
                line.LineWidth = 1.5f;
            }
        }
    }

    private static void Reference(Plot plot, double y, LinePattern pattern, string text)
    {
        var line = plot.Add.HorizontalLine(y, width: 1.5f, color: Colors.Gray, pattern: pattern);
        line.LegendText = text;
    }
}
