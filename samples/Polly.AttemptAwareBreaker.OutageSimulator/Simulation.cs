namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>Runs every scenario for every row and gathers the figures.</summary>
internal static class Simulation
{
    /// <summary>The figures, keyed by row name then metric; the metrics each scenario reported, in order; the chart series keyed by series name then row name.</summary>
    internal sealed record Results(
        Dictionary<string, Dictionary<string, double>> Figures,
        IReadOnlyList<IReadOnlyList<string>> MetricsByScenario,
        Dictionary<string, Dictionary<string, IReadOnlyList<int>>> Series);

    /// <summary>Gets the number of steps <see cref="Run"/> reports for <paramref name="rows"/>: one per scenario and row.</summary>
    public static int Steps(IReadOnlyCollection<SimulatorRow> rows) => Scenarios.All.Length * rows.Count;

    public static Results Run(IReadOnlyList<SimulatorRow> rows, Action<string>? onStep = null)
    {
        var figures = rows.ToDictionary(r => r.Name, _ => new Dictionary<string, double>());
        var metrics = new List<IReadOnlyList<string>>();
        var series = new Dictionary<string, Dictionary<string, IReadOnlyList<int>>>();
        foreach (var (scenario, run) in Scenarios.All)
        {
            var reported = new List<string>();
            foreach (var row in rows)
            {
                onStep?.Invoke($"{scenario}: {row.Name}");
                var result = run(row);
                foreach (var (metric, value) in result)
                {
                    figures[row.Name][metric] = value;
                    if (!reported.Contains(metric))
                    {
                        reported.Add(metric);
                    }
                }

                foreach (var (name, perSecond) in result.Series)
                {
                    (series.TryGetValue(name, out var byRow) ? byRow : series[name] = [])[row.Name] = perSecond;
                }
            }

            metrics.Add(reported);
        }

        return new Results(figures, metrics, series);
    }
}
