namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The arguments of the <see cref="BreakerTelemetry.OnSlowAttempt"/> telemetry event: an attempt that took at least the slow threshold.
/// The outcome travels with the telemetry event itself.
/// </summary>
public readonly struct SlowAttemptArguments
{
    /// <summary>
    /// Initializes a new instance of the <see cref="SlowAttemptArguments"/> struct.
    /// </summary>
    /// <param name="attemptNumber">The zero-based number of the attempt within its operation.</param>
    /// <param name="outcomeClass">The class of the attempt's outcome (a slow attempt keeps its class).</param>
    /// <param name="duration">How long the attempt took.</param>
    public SlowAttemptArguments(int attemptNumber, OutcomeClass outcomeClass, TimeSpan duration)
    {
        AttemptNumber = attemptNumber;
        OutcomeClass = outcomeClass;
        Duration = duration;
    }

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the class of the attempt's outcome.</summary>
    public OutcomeClass OutcomeClass { get; }

    /// <summary>Gets how long the attempt took.</summary>
    public TimeSpan Duration { get; }

    /// <inheritdoc/>
    public override string ToString() => $"attempt {AttemptNumber}: {OutcomeClass} in {Duration.TotalMilliseconds} ms";
}
