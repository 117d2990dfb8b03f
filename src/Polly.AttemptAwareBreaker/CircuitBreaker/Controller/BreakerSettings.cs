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

    public TimeSpan? SlowAttemptThreshold { get; private init; }

    public double SlowAttemptRatio { get; private init; }

    /// <summary>Gets a copy of the adaptive throttling options taken when the settings were, or <see langword="null"/>.</summary>
    public AdaptiveThrottlingOptions? AdaptiveThrottling { get; private init; }

    public TimeSpan? RecoveryRampDuration { get; private init; }

    public double RecoveryRampFloor { get; private init; }

    public Func<double> Randomizer { get; private init; } = RandomSource.NextDouble;

    /// <summary>Gets a value indicating whether the breaker only reports what it would reject (shadow mode).</summary>
    public bool IsShadow { get; private init; }

    public TimeSpan RequestedBreakMinimum { get; private init; }

    public TimeSpan RequestedBreakMaximum { get; private init; }

    /// <summary>Gets a value indicating whether a closed circuit decides each admission under the lock (a rule needs to see it).</summary>
    public bool GuardsClosedAdmission => SlowAttemptThreshold is not null || AdaptiveThrottling is not null || RecoveryRampDuration is not null;

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
        SlowAttemptThreshold = options.SlowAttemptThreshold,
        SlowAttemptRatio = options.SlowAttemptRatio,
        AdaptiveThrottling = options.AdaptiveThrottling is { } throttling
            ? new AdaptiveThrottlingOptions
            {
                Multiplier = throttling.Multiplier,
                Window = throttling.Window,
                MinimumRequests = throttling.MinimumRequests,
                MaxRejectionProbability = throttling.MaxRejectionProbability,
            }
            : null,
        RecoveryRampDuration = options.RecoveryRampDuration,
        RecoveryRampFloor = options.RecoveryRampFloor,
        Randomizer = options.Randomizer,
        IsShadow = options.Enforcement == CircuitBreakerEnforcement.Shadow,
        RequestedBreakMinimum = options.RequestedBreakMinimum,
        RequestedBreakMaximum = options.RequestedBreakMaximum,
    };
}
