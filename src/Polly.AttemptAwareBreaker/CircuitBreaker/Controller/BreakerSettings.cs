namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The settings the state machine and its rules use, taken from the options when the breaker is built or reloaded. Immutable: a reload
/// replaces the whole object.
/// </summary>
internal sealed class BreakerSettings
{
    public double FailureRatio { get; private init; }

    public int MinimumThroughput { get; private init; }

    public TimeSpan SamplingDuration { get; private init; }

    public TimeSpan BreakDuration { get; private init; }

    public int? ConsecutiveFailureThreshold { get; private init; }

    public int HalfOpenMaxProbes { get; private init; }

    public int HalfOpenSuccessThreshold { get; private init; }

    /// <summary>Takes the settings of <paramref name="options"/>.</summary>
    /// <typeparam name="T">The type of result.</typeparam>
    /// <param name="options">The validated options.</param>
    /// <returns>The settings.</returns>
    public static BreakerSettings From<T>(AttemptAwareCircuitBreakerStrategyOptions<T> options) => new()
    {
        FailureRatio = options.FailureRatio,
        MinimumThroughput = options.MinimumThroughput,
        SamplingDuration = options.SamplingDuration,
        BreakDuration = options.BreakDuration,
        ConsecutiveFailureThreshold = options.ConsecutiveFailureThreshold,
        HalfOpenMaxProbes = options.HalfOpenMaxProbes,
        HalfOpenSuccessThreshold = options.HalfOpenSuccessThreshold,
    };
}
