namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Retry options for HTTP: the defaults of Microsoft's <c>HttpRetryStrategyOptions</c> (3 retries, exponential back-off from
/// 2 seconds with jitter) plus <c>Retry-After</c> support. Which attempts are retried is decided by the breaker's classifier
/// (<see cref="HttpOutcomeClassifiers.Default"/> by default): transient failures only.
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
}
