namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The arguments of the <see cref="BreakerTelemetry.OnAttemptFailed"/> and <see cref="BreakerTelemetry.OnClassifierFailed"/> telemetry events.
/// The outcome (exception or result) travels with the telemetry event itself.
/// </summary>
public readonly struct AttemptFailedArguments
{
    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptFailedArguments"/> struct.
    /// </summary>
    /// <param name="attemptNumber">The zero-based number of the attempt within its operation.</param>
    /// <param name="outcomeClass">The class of the failed attempt.</param>
    public AttemptFailedArguments(int attemptNumber, OutcomeClass outcomeClass)
    {
        AttemptNumber = attemptNumber;
        OutcomeClass = outcomeClass;
    }

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the class of the failed attempt.</summary>
    public OutcomeClass OutcomeClass { get; }

    /// <inheritdoc/>
    public override string ToString() => $"attempt {AttemptNumber}: {OutcomeClass}";
}
