namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>The metrics one scenario measured for one configuration, keyed by metric name, and the series it recorded for charts.</summary>
internal sealed class ScenarioFigures : Dictionary<string, double>
{
    /// <summary>Gets the per-second series the scenario recorded (for the charts), keyed by series name.</summary>
    public Dictionary<string, IReadOnlyList<int>> Series { get; } = [];

    /// <summary>Adds a series.</summary>
    public ScenarioFigures WithSeries(string name, IReadOnlyList<int> perSecond)
    {
        Series[name] = perSecond;
        return this;
    }

    /// <summary>
    /// Counts <paramref name="times"/> per whole virtual second, over <paramref name="seconds"/> seconds (those after are left out), or up
    /// to the second of the latest time.
    /// </summary>
    public static IReadOnlyList<int> PerSecond(IEnumerable<TimeSpan> times, int? seconds = null)
    {
        var list = times as IReadOnlyCollection<TimeSpan> ?? [.. times];
        var length = seconds ?? (list.Count == 0 ? 0 : (int)list.Max().TotalSeconds + 1);
        var perSecond = new int[length];
        foreach (var time in list)
        {
            if ((int)time.TotalSeconds is var second && second < length)
            {
                perSecond[second]++;
            }
        }

        return perSecond;
    }
}
