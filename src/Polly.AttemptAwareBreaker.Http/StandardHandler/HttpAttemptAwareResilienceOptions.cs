using Microsoft.Extensions.Http.Resilience;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Options of <c>AddAttemptAwareResilienceHandler</c>: the same shape and configuration keys as Microsoft's
/// <see cref="HttpStandardResilienceOptions"/> (rate limiter → total timeout → retry → circuit breaker → attempt timeout), with the
/// attempt-aware retry and breaker in the middle. A configuration section written for <c>AddStandardResilienceHandler</c> binds unchanged.
/// </summary>
public class HttpAttemptAwareResilienceOptions
{
    /// <summary>
    /// Gets or sets the rate limiter, the outermost strategy.
    /// </summary>
    /// <value>The default is a concurrency limiter of 1,000 permits and no queue, as Microsoft's handler.</value>
    public HttpRateLimiterStrategyOptions RateLimiter { get; set; } = new() { Name = "AttemptAware-RateLimiter" };

    /// <summary>
    /// Gets or sets the timeout of the whole request, retries and their delays included.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public HttpTimeoutStrategyOptions TotalRequestTimeout { get; set; } = new() { Timeout = TimeSpan.FromSeconds(30), Name = "AttemptAware-TotalRequestTimeout" };

    /// <summary>
    /// Gets or sets the retry options.
    /// </summary>
    /// <value>The default is 3 retries, exponential back-off from 2 seconds with jitter, <c>Retry-After</c> honoured, and a retry budget.</value>
    public HttpAttemptAwareRetryStrategyOptions Retry { get; set; } = new();

    /// <summary>
    /// Gets or sets the attempt-aware circuit breaker options.
    /// </summary>
    /// <value>The defaults of <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions"/>.</value>
    public HttpAttemptAwareCircuitBreakerStrategyOptions CircuitBreaker { get; set; } = new() { Name = "AttemptAware-CircuitBreaker" };

    /// <summary>
    /// Gets or sets the timeout of each attempt, the innermost strategy. A timed-out attempt counts as a transient failure.
    /// </summary>
    /// <value>The default is 10 seconds.</value>
    public HttpTimeoutStrategyOptions AttemptTimeout { get; set; } = new() { Timeout = TimeSpan.FromSeconds(10), Name = "AttemptAware-AttemptTimeout" };
}
