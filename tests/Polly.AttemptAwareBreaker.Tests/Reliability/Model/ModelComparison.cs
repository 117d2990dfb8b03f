namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// The figures of the breaker and of the model after one step, by name; <see cref="AssertAgree"/> fails naming the step, the figures
/// that differ and every figure of both. A compared figure is one <see cref="Add{T}"/> call.
/// </summary>
internal sealed class ModelComparison
{
    private readonly List<(string Name, string Actual, string Expected, bool Equal)> _figures = [];

    public ModelComparison Add<T>(string name, T actual, T expected)
    {
        _figures.Add((name, $"{actual}", $"{expected}", EqualityComparer<T>.Default.Equals(actual, expected)));
        return this;
    }

    /// <summary>Compares counts by class, shown as successes/transient/permanent/ignored.</summary>
    /// <param name="name">The figure's name.</param>
    /// <param name="actual">The breaker's counts.</param>
    /// <param name="expected">The model's counts, indexed by <see cref="OutcomeClass"/>.</param>
    /// <returns>This comparison.</returns>
    public ModelComparison Add(string name, OutcomeCounts actual, long[] expected)
        => Add(name, $"{actual.Successes}/{actual.TransientFailures}/{actual.PermanentFailures}/{actual.Ignored}", string.Join("/", expected));

    public void AssertAgree(int step)
    {
        var differing = _figures.Where(f => !f.Equal).Select(f => f.Name).ToArray();
        Assert.True(
            differing.Length == 0,
            $"step {step}: {string.Join(", ", differing)} differ; breaker ({Join(f => f.Actual)}), model ({Join(f => f.Expected)})");
    }

    private string Join(Func<(string Name, string Actual, string Expected, bool Equal), string> value)
        => string.Join(", ", _figures.Select(f => $"{f.Name} {value(f)}"));
}
