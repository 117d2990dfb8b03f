namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>The metrics one scenario measured for one configuration, keyed by metric name.</summary>
internal sealed class ScenarioFigures : Dictionary<string, double>
{
    /// <summary>Gets the downstream requests per second over the run, when the scenario records them (for the chart).</summary>
    public IReadOnlyList<int>? RequestsPerSecond { get; private set; }

    public ScenarioFigures WithSeries(IReadOnlyList<TimeSpan> arrivals)
    {
        var seconds = arrivals.Count == 0 ? 0 : (int)arrivals[^1].TotalSeconds + 1;
        var perSecond = new int[seconds];
        foreach (var arrival in arrivals)
        {
            perSecond[(int)arrival.TotalSeconds]++;
        }

        RequestsPerSecond = perSecond;
        return this;
    }
}
