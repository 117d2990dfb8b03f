namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>Runs every scenario for every configuration and gathers the figures.</summary>
internal static class Simulation
{
    /// <summary>The figures, keyed by configuration then metric, and the chart series keyed by configuration.</summary>
    internal sealed record Results(
        Dictionary<string, Dictionary<string, double>> Figures,
        Dictionary<string, IReadOnlyList<int>> RecoverySeries);

    public static Results Run(IReadOnlyList<string> configurations, Action<string>? onStep = null)
    {
        var figures = configurations.ToDictionary(c => c, _ => new Dictionary<string, double>());
        var series = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var (scenario, run) in Scenarios.All)
        {
            foreach (var configuration in configurations)
            {
                onStep?.Invoke($"{scenario}: {configuration}");
                var result = run(configuration);
                foreach (var (metric, value) in result)
                {
                    figures[configuration][metric] = value;
                }

                if (result.RequestsPerSecond is { } perSecond)
                {
                    series[configuration] = perSecond;
                }
            }
        }

        return new Results(figures, series);
    }
}
