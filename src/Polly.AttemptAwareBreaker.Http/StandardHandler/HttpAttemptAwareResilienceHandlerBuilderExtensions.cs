using Microsoft.Extensions.Configuration;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures the options and the pipeline selection of the attempt-aware resilience handler.
/// </summary>
public static class HttpAttemptAwareResilienceHandlerBuilderExtensions
{
    /// <summary>
    /// Binds the options from <paramref name="section"/>; a change of the section reloads the pipeline. Keys that match no option and
    /// values that cannot be read fail start-up with an <see cref="InvalidOperationException"/>, out-of-range values with an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>; every message names the full configuration key and what is allowed.
    /// </summary>
    /// <param name="builder">The handler builder.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder Configure(this IHttpAttemptAwareResiliencePipelineBuilder builder, IConfigurationSection section)
    {
        Guard.NotNull(builder);
        Guard.NotNull(section);

        // The check runs first and names each unknown key or unreadable value by its full key with what is allowed; the binder's own
        // unknown-key error stays as a backstop.
        builder.Services.AddOptions<HttpAttemptAwareResilienceOptions>(builder.PipelineName)
            .Configure(_ => ConfigurationSectionCheck.ThrowIfInvalid<HttpAttemptAwareResilienceOptions>(section))
            .Bind(section, binder => binder.ErrorOnUnknownConfiguration = true);
        if (builder is HttpAttemptAwareResilienceHandlerBuilder own)
        {
            own.Validator.SectionPath = section.Path;
        }

        return builder;
    }

    /// <summary>
    /// Sets the options in code; runs again on every reload, after configuration binding registered before it.
    /// </summary>
    /// <param name="builder">The handler builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder Configure(this IHttpAttemptAwareResiliencePipelineBuilder builder, Action<HttpAttemptAwareResilienceOptions> configure)
    {
        Guard.NotNull(builder);
        Guard.NotNull(configure);

        builder.Services.AddOptions<HttpAttemptAwareResilienceOptions>(builder.PipelineName).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Sets the options in code with access to the application's services.
    /// </summary>
    /// <param name="builder">The handler builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder Configure(
        this IHttpAttemptAwareResiliencePipelineBuilder builder,
        Action<HttpAttemptAwareResilienceOptions, IServiceProvider> configure)
    {
        Guard.NotNull(builder);
        Guard.NotNull(configure);

        builder.Services.AddOptions<HttpAttemptAwareResilienceOptions>(builder.PipelineName).Configure<IServiceProvider>(configure);
        return builder;
    }

    /// <summary>
    /// Gives every downstream authority (scheme, host and port of the request URI) its own pipeline, and so its own circuit: one host in
    /// an outage leaves the circuits of the others closed. Under <c>ConfigureHttpClientDefaults</c> every client has its own circuit per
    /// authority.
    /// </summary>
    /// <param name="builder">The handler builder.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>A <see cref="AttemptAwareCircuitBreakerStateProvider"/> or manual control set in the options would be shared by all
    /// authorities' breakers; a state provider binds to one breaker only, so leave it unset with per-authority pipelines.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder SelectPipelineByAuthority(this IHttpAttemptAwareResiliencePipelineBuilder builder)
    {
        Registration(builder).SelectorFactory = static _ => AuthorityPipelineKey.CreateSelector();
        return builder;
    }

    /// <summary>
    /// Selects the pipeline (and so the circuit) for each request by a key the <paramref name="selectorFactory"/>'s selector returns; each
    /// client has its own pipelines, also under <c>ConfigureHttpClientDefaults</c>.
    /// </summary>
    /// <param name="builder">The handler builder.</param>
    /// <param name="selectorFactory">Creates the selector from the application's services; called each time a client's handler is built.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpAttemptAwareResiliencePipelineBuilder SelectPipelineBy(
        this IHttpAttemptAwareResiliencePipelineBuilder builder,
        Func<IServiceProvider, Func<HttpRequestMessage, string>> selectorFactory)
    {
        Guard.NotNull(selectorFactory);
        Registration(builder).SelectorFactory = selectorFactory;
        return builder;
    }

    private static AttemptAwareHandlerRegistration Registration(IHttpAttemptAwareResiliencePipelineBuilder builder)
        => Guard.NotNull(builder) as HttpAttemptAwareResilienceHandlerBuilder is { } own
            ? own.Registration
            : throw new ArgumentException(
                $"Pipeline selection needs the builder returned by AddAttemptAwareResilienceHandler, not another implementation of {nameof(IHttpAttemptAwareResiliencePipelineBuilder)}.",
                nameof(builder));
}
