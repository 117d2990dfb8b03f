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
    /// reloaded when their configuration changes: the pipeline is rebuilt with the new settings. The handler sets
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

        var handler = builder.AddResilienceHandler(Identifier, (pipeline, context) =>
        {
            context.EnableReloads<HttpAttemptAwareResilienceOptions>(optionsName);
            pipeline.AddAttemptAwareStandardResilience(context.GetOptions<HttpAttemptAwareResilienceOptions>(optionsName));
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
