namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The arguments given to an outcome classifier.
/// </summary>
/// <typeparam name="TResult">The type of the result.</typeparam>
public readonly struct OutcomeClassifierArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="OutcomeClassifierArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="context">The context of the execution.</param>
    /// <param name="outcome">The outcome of the attempt.</param>
    /// <param name="attemptNumber">The zero-based number of the attempt within its operation.</param>
    public OutcomeClassifierArguments(ResilienceContext context, Outcome<TResult> outcome, int attemptNumber)
        : this(context, outcome, attemptNumber, TimeSpan.Zero)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="OutcomeClassifierArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="context">The context of the execution.</param>
    /// <param name="outcome">The outcome of the attempt.</param>
    /// <param name="attemptNumber">The zero-based number of the attempt within its operation.</param>
    /// <param name="duration">How long the attempt took.</param>
    public OutcomeClassifierArguments(ResilienceContext context, Outcome<TResult> outcome, int attemptNumber, TimeSpan duration)
    {
        Context = context;
        Outcome = outcome;
        AttemptNumber = attemptNumber;
        Duration = duration;
    }

    /// <summary>
    /// Gets the context of the execution.
    /// </summary>
    public ResilienceContext Context { get; }

    /// <summary>
    /// Gets the outcome of the attempt.
    /// </summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>
    /// Gets the zero-based number of the attempt within its operation: 0 for the first attempt, 1 for the first retry.
    /// </summary>
    public int AttemptNumber { get; }

    /// <summary>
    /// Gets how long the attempt took, from its admission by the breaker to the downstream's answer, by the breaker's
    /// <see cref="TimeProvider"/>: a classifier can treat a slow answer as a failure.
    /// </summary>
    public TimeSpan Duration { get; }
}
