using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Http;

namespace Polly;

/// <summary>
/// Adds the attempt-aware circuit breaker with HTTP options on its own (without the composed retry).
/// </summary>
public static class HttpAttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds the attempt-aware circuit breaker with HTTP options; a <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions.ShouldHandle"/>
    /// that is set decides what is a failure (handled) and what a success (everything else but the caller's own cancellation), in place
    /// of the classifier.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="options">The circuit breaker options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">An option is out of its allowed range.</exception>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptAwareCircuitBreaker(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder,
        HttpAttemptAwareCircuitBreakerStrategyOptions options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

        // The generic overload validates and builds; only the classifier it sees differs.
        return builder.AddAttemptAwareCircuitBreaker<HttpResponseMessage>(ShouldHandleMapping.Breaker(options));
    }
}
