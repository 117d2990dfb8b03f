using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Retry;

namespace Polly;

/// <summary>
/// Adds retry (outer) and the attempt-aware circuit breaker (inner) to a pipeline in one call, so their order cannot be wrong.
/// </summary>
public static class AttemptAwareRetryResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds retry and the attempt-aware circuit breaker, sharing the breaker's classifier. Before every attempt the breaker is asked:
    /// open or isolated ends the operation at once with the rejection. Only <see cref="OutcomeClass.TransientFailure"/> is retried;
    /// rejections, half-open probes and the attempt that opened the circuit never are; a retry delay ends when the circuit opens;
    /// the retry budget caps the extra load.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="retry">The retry options.</param>
    /// <param name="circuitBreaker">The breaker options, including the <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/> both use.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when the options are invalid.</exception>
    public static ResiliencePipelineBuilder AddAttemptAwareRetryAndCircuitBreaker(
        this ResiliencePipelineBuilder builder,
        AttemptAwareRetryStrategyOptions retry,
        AttemptAwareCircuitBreakerStrategyOptions circuitBreaker)
    {
        Guard.NotNull(builder);
        ValidateRetry(Guard.NotNull(retry));
        Guard.NotNull(circuitBreaker);

#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        return builder.AddStrategy(context => new AttemptAwareRetryResilienceStrategy<object>(retry, circuitBreaker, context), circuitBreaker);
#pragma warning restore IL2026
    }

    /// <summary>
    /// Adds retry and the attempt-aware circuit breaker, sharing the breaker's classifier. Before every attempt the breaker is asked:
    /// open or isolated ends the operation at once with the rejection. Only <see cref="OutcomeClass.TransientFailure"/> is retried;
    /// rejections, half-open probes and the attempt that opened the circuit never are; a retry delay ends when the circuit opens;
    /// the retry budget caps the extra load.
    /// </summary>
    /// <typeparam name="TResult">The type of result.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="retry">The retry options.</param>
    /// <param name="circuitBreaker">The breaker options, including the <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/> both use.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when the options are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddAttemptAwareRetryAndCircuitBreaker<TResult>(
        this ResiliencePipelineBuilder<TResult> builder,
        AttemptAwareRetryStrategyOptions<TResult> retry,
        AttemptAwareCircuitBreakerStrategyOptions<TResult> circuitBreaker)
    {
        Guard.NotNull(builder);
        ValidateRetry(Guard.NotNull(retry));
        Guard.NotNull(circuitBreaker);

#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        return builder.AddStrategy(context => new AttemptAwareRetryResilienceStrategy<TResult>(retry, circuitBreaker, context), circuitBreaker);
#pragma warning restore IL2026
    }

    internal static void ValidateRetry<TResult>(AttemptAwareRetryStrategyOptions<TResult> retry)
    {
        OptionsValidation.Validate(retry, "AttemptAwareRetryStrategyOptions");
        if (retry.RetryBudget is { } budget)
        {
            OptionsValidation.Validate(budget, "AttemptAwareRetryStrategyOptions.RetryBudget");
        }
    }
}
