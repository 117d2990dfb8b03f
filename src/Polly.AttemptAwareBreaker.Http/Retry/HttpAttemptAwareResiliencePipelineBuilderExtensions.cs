using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Http;
using Polly.AttemptAwareBreaker.Retry;

namespace Polly;

/// <summary>
/// Adds the attempt-aware retry and circuit breaker to HTTP pipelines, for example inside <c>AddResilienceHandler</c>.
/// </summary>
public static class HttpAttemptAwareResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds retry (outside) and the attempt-aware circuit breaker (inside) with the HTTP defaults: the HTTP classifier, <c>Retry-After</c>
    /// support, 3 retries with exponential back-off and the thresholds of <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions"/>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptAwareRetryAndCircuitBreaker(this ResiliencePipelineBuilder<HttpResponseMessage> builder)
        => builder.AddAttemptAwareRetryAndCircuitBreaker(new HttpAttemptAwareRetryStrategyOptions(), new HttpAttemptAwareCircuitBreakerStrategyOptions());

    /// <summary>
    /// Adds retry (outside) and the attempt-aware circuit breaker (inside) with HTTP options: one classifier decides what the breaker counts
    /// and what is retried, and a 429 or 503 answer's <c>Retry-After</c> sets the delay when
    /// <see cref="HttpAttemptAwareRetryStrategyOptions.ShouldRetryAfterHeader"/> is on.
    /// </summary>
    /// <remarks>
    /// A <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions.ShouldHandle"/> that is set decides what the breaker counts (handled: failure,
    /// otherwise success), and a <see cref="HttpAttemptAwareRetryStrategyOptions.ShouldHandle"/> that is set decides what is retried; the
    /// classifier keeps whichever decision is left to it.
    /// </remarks>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="retry">The retry options.</param>
    /// <param name="circuitBreaker">The circuit breaker options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of its allowed range.</exception>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptAwareRetryAndCircuitBreaker(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder,
        HttpAttemptAwareRetryStrategyOptions retry,
        HttpAttemptAwareCircuitBreakerStrategyOptions circuitBreaker)
    {
        Guard.NotNull(builder);
        AttemptAwareRetryResiliencePipelineBuilderExtensions.ValidateRetry(Guard.NotNull(retry));
        Guard.NotNull(circuitBreaker);

        var serverDelay = retry.ShouldRetryAfterHeader ? RetryAfter.Read : (Func<Outcome<HttpResponseMessage>, TimeProvider, TimeSpan?>?)null;
#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        return builder.AddStrategy(
            context => new AttemptAwareRetryResilienceStrategy<HttpResponseMessage>(
                retry,
                ShouldHandleMapping.Breaker(circuitBreaker),
                context,
                serverDelay,
                ShouldHandleMapping.Retry(retry, circuitBreaker)),
            circuitBreaker);
#pragma warning restore IL2026
    }

    /// <summary>
    /// Adds the strategies of <c>AddAttemptAwareResilienceHandler</c> in its order (rate limiter → total timeout → retry → attempt-aware
    /// circuit breaker → attempt timeout), for HTTP work that does not go through an <see cref="HttpClient"/> handler.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">The options, as bound for the handler.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of its allowed range.</exception>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptAwareStandardResilience(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder,
        HttpAttemptAwareResilienceOptions options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

        return builder
            .AddRateLimiter(options.RateLimiter)
            .AddTimeout(options.TotalRequestTimeout)
            .AddAttemptAwareRetryAndCircuitBreaker(options.Retry, options.CircuitBreaker)
            .AddTimeout(options.AttemptTimeout);
    }
}
