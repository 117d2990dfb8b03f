namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>Runs every scenario for every row and gathers the figures.</summary>
internal static class Simulation
{
    /// <summary>The figures, keyed by row name then metric, and the chart series keyed by row name.</summary>
    internal sealed record Results(
        Dictionary<string, Dictionary<string, double>> Figures,
        Dictionary<string, IReadOnlyList<int>> RecoverySeries);

    /// <summary>Gets the number of steps <see cref="Run"/> reports for <paramref name="rows"/>: one per scenario and row.</summary>
    public static int Steps(IReadOnlyCollection<SimulatorRow> rows) => Scenarios.All.Length * rows.Count;

    public static Results Run(IReadOnlyList<SimulatorRow> rows, Action<string>? onStep = null)
    {
        var figures = rows.ToDictionary(r => r.Name, _ => new Dictionary<string, double>());
        var series = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var (scenario, run) in Scenarios.All)
        {
            foreach (var row in rows)
            {
                onStep?.Invoke($"{scenario}: {row.Name}");
                var result = run(row);
                foreach (var (metric, value) in result)
                {
                    figures[row.Name][metric] = value;
                }

                if (result.RequestsPerSecond is { } perSecond)
                {
                    series[row.Name] = perSecond;
                }
            }
        }

        return new Results(figures, series);
    }
}
