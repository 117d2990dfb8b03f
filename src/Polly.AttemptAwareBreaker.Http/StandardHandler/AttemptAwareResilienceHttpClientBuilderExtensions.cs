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
    /// <summary>
    /// The name of the options shared by every client when the handler is added through <c>ConfigureHttpClientDefaults</c>. It does not end
    /// with <c>-attempt-aware</c>, so it never meets the options of a client configured on its own.
    /// </summary>
    private const string DefaultsOptionsName = "attempt-aware-defaults";

    /// <summary>
    /// Adds the attempt-aware resilience handler with its default options: rate limiter → total timeout → retry → attempt-aware circuit
    /// breaker → attempt timeout, the same order as <c>AddStandardResilienceHandler</c>, with one classifier for retry and breaker.
    /// </summary>
    /// <param name="builder">The HttpClient builder, of one client or, inside <c>ConfigureHttpClientDefaults</c>, of every client.</param>
    /// <returns>A builder to configure the options and the pipeline selection.</returns>
    /// <remarks>
    /// <para>
    /// Every client gets its own pipeline, and so its own circuit, named <c>{client}-attempt-aware</c> (the typed client's type name for a
    /// typed client), also when the handler is added for every client with
    /// <c>services.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler(...))</c>: there the clients share the options
    /// (named <c>attempt-aware-defaults</c>), and one client in an outage leaves the others' circuits closed. With
    /// <see cref="HttpAttemptAwareResilienceHandlerBuilderExtensions.SelectPipelineByAuthority"/> a client has one circuit per downstream
    /// authority. A client that needs other settings calls <c>RemoveAllResilienceHandlers()</c> (Microsoft.Extensions.Http.Resilience), which
    /// removes this handler too, and then adds its own; two attempt-aware handlers left on one client fail start-up with an
    /// <see cref="InvalidOperationException"/> that says so.
    /// </para>
    /// <para>
    /// The options (named <see cref="IHttpAttemptAwareResiliencePipelineBuilder.PipelineName"/>) are validated when the host starts and
    /// reloaded when their configuration changes: each pipeline is rebuilt with the new settings and its breaker keeps the running circuit
    /// (state, counts, probes), through the <see cref="AttemptAwareCircuitBreakerRegistry"/> singleton this method registers (with the metrics
    /// and state-change log of <c>AddAttemptAwareCircuitBreakers</c>), which also lists the breakers by name
    /// (<c>{client}-attempt-aware/strategy</c>, with the authority in the middle when pipelines are selected per authority); shared state
    /// (<c>UseRedis</c>) uses the same names. A state provider binds one breaker only, so leave it unset in options shared by several clients;
    /// a manual control set there acts on all their circuits. The handler sets <see cref="HttpClient.Timeout"/> to infinite, so that
    /// <see cref="HttpAttemptAwareResilienceOptions.TotalRequestTimeout"/> governs.
    /// </para>
    /// <para>
    /// The first call in a service collection also registers what Microsoft's <c>AddResilienceHandler</c> registers for telemetry: the
    /// exception summarizer with its HTTP provider, and the <c>error.type</c> tag, the status code (<c>"503"</c>), on Polly's metric events
    /// whose outcome is an <see cref="HttpResponseMessage"/> (one tag per event, also next to Microsoft's handler).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder AddAttemptAwareResilienceHandler(this IHttpClientBuilder builder)
    {
        Guard.NotNull(builder);

        // ConfigureHttpClientDefaults passes a builder without a name: the handler then learns each client's name when it is built.
        var optionsName = builder.Name is { } client ? AttemptAwareHandlerRegistration.PipelineNameOf(client) : DefaultsOptionsName;
        var validator = new HttpAttemptAwareResilienceOptionsValidator(optionsName);
        builder.Services.AddSingleton<IValidateOptions<HttpAttemptAwareResilienceOptions>>(validator);
        builder.Services.AddOptions<HttpAttemptAwareResilienceOptions>(optionsName).ValidateOnStart();
        builder.Services.AddAttemptAwareCircuitBreakers();

        var registration = new AttemptAwareHandlerRegistration(optionsName, builder.Name);
        AttemptAwareHandlerRegistrations.Add(builder, registration);
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return new HttpAttemptAwareResilienceHandlerBuilder(optionsName, builder.Services, registration, validator);
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
