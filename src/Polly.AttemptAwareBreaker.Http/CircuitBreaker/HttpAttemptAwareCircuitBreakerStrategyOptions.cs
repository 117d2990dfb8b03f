using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Attempt-aware circuit breaker options for HTTP, with <see cref="HttpOutcomeClassifiers.Default"/> as the classifier and thresholds
/// chosen so that a downstream in a hard outage sees at most 10 requests before callers are rejected, while random transient
/// failures at the rates healthy services show (10 %) never open the circuit.
/// </summary>
/// <remarks>
/// <para>Why these defaults (Microsoft's standard handler uses ratio 0.1, 100 calls minimum):</para>
/// <list type="bullet">
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.ConsecutiveFailureThreshold"/> = 10: a hard outage opens the
/// circuit at its 10th failed attempt whatever the traffic, while 10 failures in a row from a downstream with 10 % random failures
/// happen with probability 10<sup>-10</sup> per attempt.</description></item>
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.FailureRatio"/> = 0.5 with
/// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.MinimumThroughput"/> = 10 over 30 seconds: a downstream that fails half of
/// its attempts opens the circuit even when successes are interleaved; 10 % noise sits far below the ratio, so it never trips it.</description></item>
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.BreakDuration"/> = 5 seconds and one half-open probe, as
/// Microsoft's handler.</description></item>
/// </list>
/// <para>Set <see cref="ShouldHandle"/> to decide failures the way Microsoft's <c>HttpCircuitBreakerStrategyOptions</c> does instead of
/// by the classifier.</para>
/// <para>Requests already in flight when the circuit opens still complete, so with many concurrent callers a few more than 10 requests can
/// reach the downstream; no new one is admitted after the opening.</para>
/// </remarks>
public class HttpAttemptAwareCircuitBreakerStrategyOptions : AttemptAwareCircuitBreakerStrategyOptions<HttpResponseMessage>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions"/> class with the HTTP defaults.
    /// </summary>
    public HttpAttemptAwareCircuitBreakerStrategyOptions()
    {
        FailureRatio = 0.5;
        MinimumThroughput = 10;
        ConsecutiveFailureThreshold = 10;
        Classifier = HttpOutcomeClassifiers.Default;
    }

    /// <summary>
    /// Gets or sets the predicate that decides which outcomes the breaker counts as failures, in place of the classifier: Microsoft's
    /// <c>HttpCircuitBreakerStrategyOptions.ShouldHandle</c>, so code written for <c>AddStandardResilienceHandler</c> keeps its failure rule.
    /// A <see cref="PredicateBuilder{TResult}"/> converts to it.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/> decides.
    /// </value>
    /// <remarks>
    /// When set, a handled outcome is a failure and every other outcome a success, as in Polly's breaker: outcomes the classifier would
    /// ignore (4xx answers, exceptions of the calling code) count as successes unless handled, and a half-open probe that ends that way
    /// closes the circuit. The caller's own cancellation stays ignored. The predicate does not decide what is retried: that stays with
    /// the classifier unless the retry's own <c>ShouldHandle</c> is set. A predicate that throws fails the call with its exception.
    /// </remarks>
    public Func<CircuitBreakerPredicateArguments<HttpResponseMessage>, ValueTask<bool>>? ShouldHandle { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a 429 or 503 answer whose <c>Retry-After</c> asks for a pause of at least
    /// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakMinimum"/> opens the circuit until then (at most
    /// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakMaximum"/>), with the reason
    /// <see cref="CircuitStateChangeReason.ServerRequested"/>. <c>Retry-After</c> is read as the retry reads it, against the pipeline's
    /// <see cref="TimeProvider"/> (a delay in seconds or a date). A <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakGenerator"/>
    /// set in code takes precedence.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool BreakOnRetryAfter { get; set; }

    /// <summary>
    /// Returns the options the breaker runs with: a copy whose requested-break generator reads <c>Retry-After</c> when
    /// <see cref="BreakOnRetryAfter"/> is on and no generator is set; otherwise these options.
    /// </summary>
    internal HttpAttemptAwareCircuitBreakerStrategyOptions WithRetryAfterBreaks()
    {
        if (!BreakOnRetryAfter || RequestedBreakGenerator is not null)
        {
            return this;
        }

        var copy = (HttpAttemptAwareCircuitBreakerStrategyOptions)MemberwiseClone();
        copy.RequestedBreakGenerator = static args => new(RetryAfter.Read(args.Outcome, args.TimeProvider));
        return copy;
    }

    /// <summary>
    /// Returns a copy of these options (every setting, shared objects by reference) whose classifier is <paramref name="classifier"/>.
    /// </summary>
    internal HttpAttemptAwareCircuitBreakerStrategyOptions WithClassifier(Func<OutcomeClassifierArguments<HttpResponseMessage>, ValueTask<OutcomeClass>> classifier)
    {
        var copy = (HttpAttemptAwareCircuitBreakerStrategyOptions)MemberwiseClone();
        copy.Classifier = classifier;
        return copy;
    }
}
