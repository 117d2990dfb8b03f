using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.CircuitBreaker;
using Polly.CircuitBreaker;

namespace Polly;

/// <summary>
/// Adds the attempt-aware circuit breaker to resilience pipelines.
/// </summary>
public static class AttemptAwareCircuitBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds the attempt-aware circuit breaker to the builder.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder AddAttemptAwareCircuitBreaker(
        this ResiliencePipelineBuilder builder,
        AttemptAwareCircuitBreakerStrategyOptions options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        return builder.AddStrategy(context => new AttemptAwareCircuitBreakerResilienceStrategy<object>(options, context), options);
#pragma warning restore IL2026
    }

    /// <summary>
    /// Adds the attempt-aware circuit breaker to the builder.
    /// </summary>
    /// <typeparam name="TResult">The type of result the breaker handles.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddAttemptAwareCircuitBreaker<TResult>(
        this ResiliencePipelineBuilder<TResult> builder,
        AttemptAwareCircuitBreakerStrategyOptions<TResult> options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        return builder.AddStrategy(context => new AttemptAwareCircuitBreakerResilienceStrategy<TResult>(options, context), options);
#pragma warning restore IL2026
    }

    /// <summary>
    /// Adds the attempt-aware circuit breaker configured with Polly's own circuit-breaker options: a drop-in replacement for
    /// <c>AddCircuitBreaker</c>. Outcomes that <c>ShouldHandle</c> accepts are failures, the caller's own cancellation is ignored,
    /// and everything else is a success.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Polly's circuit-breaker options. <c>StateProvider</c> and <c>ManualControl</c> must be unset: Polly's
    /// types cannot be bound by another breaker; use <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}"/> with
    /// <see cref="AttemptAwareCircuitBreakerStateProvider"/> and <see cref="AttemptAwareCircuitBreakerManualControl"/> instead.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder AddAttemptAwareCircuitBreaker(this ResiliencePipelineBuilder builder, CircuitBreakerStrategyOptions options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

        var converted = new AttemptAwareCircuitBreakerStrategyOptions();
        CopyFromPolly(options, converted);
        return builder.AddAttemptAwareCircuitBreaker(converted);
    }

    /// <summary>
    /// Adds the attempt-aware circuit breaker configured with Polly's own circuit-breaker options: a drop-in replacement for
    /// <c>AddCircuitBreaker</c>. Outcomes that <c>ShouldHandle</c> accepts are failures, the caller's own cancellation is ignored,
    /// and everything else is a success.
    /// </summary>
    /// <typeparam name="TResult">The type of result the breaker handles.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Polly's circuit-breaker options. <c>StateProvider</c> and <c>ManualControl</c> must be unset: Polly's
    /// types cannot be bound by another breaker; use <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}"/> with
    /// <see cref="AttemptAwareCircuitBreakerStateProvider"/> and <see cref="AttemptAwareCircuitBreakerManualControl"/> instead.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddAttemptAwareCircuitBreaker<TResult>(
        this ResiliencePipelineBuilder<TResult> builder,
        CircuitBreakerStrategyOptions<TResult> options)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);

        var converted = new AttemptAwareCircuitBreakerStrategyOptions<TResult>();
        CopyFromPolly(options, converted);
        return builder.AddAttemptAwareCircuitBreaker(converted);
    }

    private static void CopyFromPolly<TResult>(CircuitBreakerStrategyOptions<TResult> source, AttemptAwareCircuitBreakerStrategyOptions<TResult> target)
    {
        if (source.StateProvider is not null)
        {
            throw new ValidationException(
                $"{nameof(CircuitBreakerStrategyOptions<TResult>.StateProvider)} is set to Polly's {nameof(CircuitBreakerStateProvider)}, which only Polly's own circuit breaker can bind. " +
                $"Use {nameof(AttemptAwareCircuitBreakerStrategyOptions<TResult>)}.{nameof(AttemptAwareCircuitBreakerStrategyOptions<TResult>.StateProvider)} with an {nameof(AttemptAwareCircuitBreakerStateProvider)} instead.");
        }

        if (source.ManualControl is not null)
        {
            throw new ValidationException(
                $"{nameof(CircuitBreakerStrategyOptions<TResult>.ManualControl)} is set to Polly's {nameof(CircuitBreakerManualControl)}, which only Polly's own circuit breaker can bind. " +
                $"Use {nameof(AttemptAwareCircuitBreakerStrategyOptions<TResult>)}.{nameof(AttemptAwareCircuitBreakerStrategyOptions<TResult>.ManualControl)} with an {nameof(AttemptAwareCircuitBreakerManualControl)} instead.");
        }

        if (source.ShouldHandle is null)
        {
            throw new ValidationException($"{nameof(CircuitBreakerStrategyOptions<TResult>.ShouldHandle)} is null; it is required.");
        }

        target.Name = source.Name;
        target.FailureRatio = source.FailureRatio;
        target.MinimumThroughput = source.MinimumThroughput;
        target.SamplingDuration = source.SamplingDuration;
        target.BreakDuration = source.BreakDuration;
        target.BreakDurationGenerator = source.BreakDurationGenerator;
        target.Classifier = OutcomeClassifiers.FromShouldHandle(source.ShouldHandle);
        target.OnOpened = source.OnOpened;
        target.OnClosed = source.OnClosed;
        target.OnHalfOpened = source.OnHalfOpened;
    }
}
