using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Polly.AttemptAwareBreaker;
using Polly.DependencyInjection;

namespace Polly;

/// <summary>
/// Adds attempt-aware strategies configured from named, reloadable options inside <c>AddResiliencePipeline</c>.
/// </summary>
public static class AttemptAwareResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds the attempt-aware circuit breaker with the named options (see
    /// <see cref="AttemptAwareBreakerServiceCollectionExtensions.AddAttemptAwareCircuitBreakerOptions"/>). When the options change, Polly
    /// rebuilds the pipeline and the breaker keeps its running circuit with the new settings; it is registered in the application's
    /// <see cref="AttemptAwareCircuitBreakerRegistry"/> as <c>pipeline/strategy</c>.
    /// </summary>
    /// <typeparam name="TKey">The type of the pipeline key.</typeparam>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="context">The context <c>AddResiliencePipeline</c> passes to its callback.</param>
    /// <param name="optionsName">The name of the options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ResiliencePipelineBuilder AddAttemptAwareCircuitBreaker<TKey>(
        this ResiliencePipelineBuilder builder,
        AddResiliencePipelineContext<TKey> context,
        string optionsName)
        where TKey : notnull
    {
        var options = ReloadableOptions<TKey, AttemptAwareCircuitBreakerStrategyOptions>(builder, context, optionsName);
        options.Registry ??= context.ServiceProvider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();
        return builder.AddAttemptAwareCircuitBreaker(options);
    }

    /// <summary>
    /// Adds the composed retry (outside) and attempt-aware circuit breaker (inside) with the named options (see
    /// <see cref="AttemptAwareBreakerServiceCollectionExtensions.AddAttemptAwareRetryAndCircuitBreakerOptions"/>), reloadable, with the
    /// breaker registered in the application's <see cref="AttemptAwareCircuitBreakerRegistry"/>.
    /// </summary>
    /// <typeparam name="TKey">The type of the pipeline key.</typeparam>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="context">The context <c>AddResiliencePipeline</c> passes to its callback.</param>
    /// <param name="optionsName">The name of the options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ResiliencePipelineBuilder AddAttemptAwareRetryAndCircuitBreaker<TKey>(
        this ResiliencePipelineBuilder builder,
        AddResiliencePipelineContext<TKey> context,
        string optionsName)
        where TKey : notnull
    {
        var options = ReloadableOptions<TKey, AttemptAwareRetryAndCircuitBreakerOptions>(builder, context, optionsName);
        options.CircuitBreaker.Registry ??= context.ServiceProvider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();
        return builder.AddAttemptAwareRetryAndCircuitBreaker(options.Retry, options.CircuitBreaker);
    }

    private static TOptions ReloadableOptions<TKey, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(ResiliencePipelineBuilder builder, AddResiliencePipelineContext<TKey> context, string optionsName)
        where TKey : notnull
    {
        Guard.NotNull(builder);
        Guard.NotNull(context);
        Guard.NotNull(optionsName);

        context.EnableReloads<TOptions>(optionsName);
        return context.GetOptions<TOptions>(optionsName);
    }
}
