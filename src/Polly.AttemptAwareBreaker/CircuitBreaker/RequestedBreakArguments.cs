namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The arguments of <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakGenerator"/>: one attempt's outcome, from
/// which the generator reads whether the downstream asks for a pause (an HTTP 429 or 503 with <c>Retry-After</c>, for example).
/// </summary>
/// <typeparam name="TResult">The type of result.</typeparam>
public readonly struct RequestedBreakArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="RequestedBreakArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="context">The context of the execution.</param>
    /// <param name="outcome">The outcome of the attempt.</param>
    /// <param name="timeProvider">The breaker's clock, to turn an absolute time into a duration.</param>
    public RequestedBreakArguments(ResilienceContext context, Outcome<TResult> outcome, TimeProvider timeProvider)
    {
        Context = context;
        Outcome = outcome;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the context of the execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the outcome of the attempt.</summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>Gets the breaker's clock.</summary>
    public TimeProvider TimeProvider { get; }
}
