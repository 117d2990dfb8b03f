using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Polly;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the attempt-aware resilience handler to typed and named <see cref="HttpClient"/>s: a one-line replacement for
/// <c>AddStandardResilienceHandler</c>.
/// </summary>
public static class AttemptAwareResilienceHttpClientBuilderExtensions
{
    private const string Identifier = "attempt-aware";

    /// <summary>
    /// Adds the attempt-aware resilience handler with its default options: rate limiter → total timeout → retry → attempt-aware circuit
    /// breaker → attempt timeout, the same order as <c>AddStandardResilienceHandler</c>, with one classifier for retry and breaker.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <returns>A builder to configure the options and the pipeline selection.</returns>
    /// <remarks>
    /// The options (named <see cref="IHttpAttemptAwareResiliencePipelineBuilder.PipelineName"/>) are validated when the host starts and
    /// reloaded when their configuration changes: the pipeline is rebuilt with the new settings and its breaker keeps the running circuit
    /// (state, counts, probes), through the <see cref="AttemptAwareCircuitBreakerRegistry"/> singleton this method registers (with the metrics and state-change log of <c>AddAttemptAwareCircuitBreakers</c>), which also
    /// lists the breakers by name (<c>client-attempt-aware/strategy</c>, with the authority in the middle when pipelines are selected
    /// per authority). The handler sets
    /// <see cref="HttpClient.Timeout"/> to infinite, so that <see cref="HttpAttemptAwareResilienceOptions.TotalRequestTimeout"/> governs.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder AddAttemptAwareResilienceHandler(this IHttpClientBuilder builder)
    {
        Guard.NotNull(builder);

        var optionsName = $"{builder.Name}-{Identifier}";
        var validator = new HttpAttemptAwareResilienceOptionsValidator(optionsName);
        builder.Services.AddSingleton<IValidateOptions<HttpAttemptAwareResilienceOptions>>(validator);
        builder.Services.AddOptions<HttpAttemptAwareResilienceOptions>(optionsName).ValidateOnStart();
        builder.Services.AddAttemptAwareCircuitBreakers();

        var handler = builder.AddResilienceHandler(Identifier, (pipeline, context) =>
        {
            context.EnableReloads<HttpAttemptAwareResilienceOptions>(optionsName);
            var options = context.GetOptions<HttpAttemptAwareResilienceOptions>(optionsName);

            // Registered breakers are listed by name and keep their circuit across reloads (the rebuilt pipeline takes it over).
            options.CircuitBreaker.Registry ??= context.ServiceProvider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();
            pipeline.AddAttemptAwareStandardResilience(options);
        });

        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return new HttpAttemptAwareResilienceHandlerBuilder(optionsName, builder.Services, handler, validator);
    }

    /// <summary>
    /// Adds the attempt-aware resilience handler with options bound from <paramref name="section"/> (the same keys as Microsoft's
    /// standard handler; unknown keys fail start-up).
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>A builder to configure the options further and the pipeline selection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder AddAttemptAwareResilienceHandler(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        Guard.NotNull(section);
        return builder.AddAttemptAwareResilienceHandler().Configure(section);
    }

    /// <summary>
    /// Adds the attempt-aware resilience handler with options set by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to configure the options further and the pipeline selection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder AddAttemptAwareResilienceHandler(this IHttpClientBuilder builder, Action<HttpAttemptAwareResilienceOptions> configure)
    {
        Guard.NotNull(configure);
        return builder.AddAttemptAwareResilienceHandler().Configure(configure);
    }
}
