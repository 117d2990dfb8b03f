using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.DependencyInjection;
using Polly.AttemptAwareBreaker.Telemetry;
using Polly.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the attempt-aware breakers' operational services and their options.
/// </summary>
public static class AttemptAwareBreakerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="AttemptAwareCircuitBreakerRegistry"/> singleton (list, isolate and close breakers by name; keep circuits across
    /// reloads), the <see cref="AttemptAwareBreakerMetrics"/> instruments and the logging of state changes. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    /// <remarks>The metrics and the state-change log start with the first resilience pipeline Polly builds from the container.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddAttemptAwareCircuitBreakers(this IServiceCollection services)
    {
        Guard.NotNull(services);
        if (services.Any(d => d.ServiceType == typeof(AttemptAwareBreakerMetrics)))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton<AttemptAwareCircuitBreakerRegistry>();
        services.AddSingleton<AttemptAwareBreakerMetrics>();
        services.AddSingleton<CircuitStateChangeLogger>();

        // Polly reads its telemetry options whenever it builds a pipeline from the container: that starts the metrics and the log.
        services.AddOptions<TelemetryOptions>().Configure<AttemptAwareBreakerMetrics, CircuitStateChangeLogger>(
            (options, metrics, _) => options.TelemetryListeners.Add(metrics.Listener));
        return services;
    }

    /// <summary>
    /// Binds named <see cref="AttemptAwareCircuitBreakerStrategyOptions"/> from <paramref name="section"/>, validates them at start-up and on
    /// every reload (messages name the configuration key and the allowed range; unknown keys fail), for
    /// <c>AddAttemptAwareCircuitBreaker(context, name)</c> inside <c>AddResiliencePipeline</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name of the options.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The options builder, to configure the options further in code.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static OptionsBuilder<AttemptAwareCircuitBreakerStrategyOptions> AddAttemptAwareCircuitBreakerOptions(
        this IServiceCollection services,
        string name,
        IConfigurationSection section)
    {
        var options = ValidatedOptions<AttemptAwareCircuitBreakerStrategyOptions>(services, name, section, (options, key, errors) =>
            OptionsValidation.CollectErrors(options, key(string.Empty), errors));
        return options.Bind(section, binder => binder.ErrorOnUnknownConfiguration = true);
    }

    /// <summary>
    /// Binds named <see cref="AttemptAwareRetryAndCircuitBreakerOptions"/> (<c>Retry:…</c> and <c>CircuitBreaker:…</c> keys) from
    /// <paramref name="section"/> and validates them at start-up and on every reload, for
    /// <c>AddAttemptAwareRetryAndCircuitBreaker(context, name)</c> inside <c>AddResiliencePipeline</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name of the options.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The options builder, to configure the options further in code.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static OptionsBuilder<AttemptAwareRetryAndCircuitBreakerOptions> AddAttemptAwareRetryAndCircuitBreakerOptions(
        this IServiceCollection services,
        string name,
        IConfigurationSection section)
    {
        var options = ValidatedOptions<AttemptAwareRetryAndCircuitBreakerOptions>(services, name, section, (options, key, errors) =>
        {
            OptionsValidation.CollectErrors(options.Retry, key(nameof(options.Retry)), errors);
            if (options.Retry?.RetryBudget is { } budget)
            {
                OptionsValidation.CollectErrors(budget, key("Retry:RetryBudget"), errors);
            }

            OptionsValidation.CollectErrors(options.CircuitBreaker, key(nameof(options.CircuitBreaker)), errors);
        });
        return options.Bind(section, binder => binder.ErrorOnUnknownConfiguration = true);
    }

    // Registers the operational services and the start-up validation of named options; the caller binds them (binding stays at a
    // call site with a concrete type, which the configuration binding source generator needs).
    private static OptionsBuilder<TOptions> ValidatedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceCollection services,
        string name,
        IConfigurationSection section,
        Action<TOptions, Func<string, string>, List<string>> validate)
        where TOptions : class
    {
        Guard.NotNull(services);
        Guard.NotNull(name);
        Guard.NotNull(section);

        services.AddAttemptAwareCircuitBreakers();
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionOptionsValidator<TOptions>(name, section.Path, validate));
        return services.AddOptions<TOptions>(name).ValidateOnStart();
    }
}
