using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Retry options for HTTP: the defaults of Microsoft's <c>HttpRetryStrategyOptions</c> (3 retries, exponential back-off from
/// 2 seconds with jitter) plus <c>Retry-After</c> support. Which attempts are retried is decided by the breaker's classifier
/// (<see cref="HttpOutcomeClassifiers.Default"/> by default): transient failures only; or, when set, by <see cref="ShouldHandle"/>.
/// </summary>
public class HttpAttemptAwareRetryStrategyOptions : AttemptAwareRetryStrategyOptions<HttpResponseMessage>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="HttpAttemptAwareRetryStrategyOptions"/> class with the HTTP defaults.
    /// </summary>
    public HttpAttemptAwareRetryStrategyOptions()
    {
        BackoffType = DelayBackoffType.Exponential;
        UseJitter = true;
    }

    /// <summary>
    /// Gets or sets a value indicating whether a 429 or 503 response's <c>Retry-After</c> header sets the delay before the retry.
    /// The delay is capped by <see cref="AttemptAwareRetryStrategyOptions{TResult}.MaxDelay"/>, and an HTTP-date is measured against
    /// the pipeline's <see cref="TimeProvider"/>. The wait still ends early if the circuit opens meanwhile.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ShouldRetryAfterHeader { get; set; } = true;

    /// <summary>
    /// Gets or sets the predicate that decides which outcomes are retried, in place of the classifier: Microsoft's
    /// <c>HttpRetryStrategyOptions.ShouldHandle</c>, so code written for <c>AddStandardResilienceHandler</c> keeps its retry rule.
    /// A <see cref="PredicateBuilder{TResult}"/> converts to it.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: an attempt is retried when the breaker's classifier calls it a
    /// <see cref="OutcomeClass.TransientFailure"/>.
    /// </value>
    /// <remarks>
    /// <para>It changes only what is retried; what the breaker counts is decided by the classifier, or by the circuit breaker's own
    /// <c>ShouldHandle</c> when that is set. An outcome this predicate handles is retried even when the breaker counted it as a success
    /// or ignored it (a 404 you choose to retry is still not held against the downstream).</para>
    /// <para>Some attempts are never retried, whatever it returns: a rejection by the open circuit, a half-open probe, the attempt whose
    /// failure opened the circuit, an attempt after the caller cancelled, one beyond <see cref="AttemptAwareRetryStrategyOptions{TResult}.MaxRetryAttempts"/>
    /// or over the retry budget, and requests excluded by <see cref="AttemptAwareRetryStrategyOptions{TResult}.ShouldRetry"/> (for example by
    /// <c>DisableForUnsafeHttpMethods</c>, whichever of the two is set first). A predicate that throws fails the call with its exception.</para>
    /// </remarks>
    public Func<RetryPredicateArguments<HttpResponseMessage>, ValueTask<bool>>? ShouldHandle { get; set; }
}
