using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// One call of <c>AddAttemptAwareResilienceHandler</c>: on one client, or on every client through <c>ConfigureHttpClientDefaults</c>. It
/// creates the handler of each client it applies to when that client's handler chain is built, the first moment the client's name is
/// known under the defaults; every client's pipeline is named after the client, so each has its own circuit.
/// </summary>
internal sealed class AttemptAwareHandlerRegistration
{
    public const string Identifier = "attempt-aware";

    public AttemptAwareHandlerRegistration(string optionsName, string? clientName)
    {
        OptionsName = optionsName;
        ClientName = clientName;
    }

    /// <summary>Gets the name of the options the pipelines are built from.</summary>
    public string OptionsName { get; }

    /// <summary>Gets the client the handler was added to, or <see langword="null"/> when it was added for every client.</summary>
    public string? ClientName { get; }

    /// <summary>Gets or sets what selects the pipeline instance of a request (for example its authority); none by default.</summary>
    public Func<IServiceProvider, Func<HttpRequestMessage, string>>? SelectorFactory { get; set; }

    /// <summary>Gets where the handler was added, in the words of a start-up error.</summary>
    public string Origin => ClientName is null
        ? "ConfigureHttpClientDefaults"
        : $"AddAttemptAwareResilienceHandler on the client '{ClientName}'";

    public static string PipelineNameOf(string clientName) => $"{clientName}-{Identifier}";

    public AttemptAwareResilienceHandler CreateHandler(HttpMessageHandlerBuilder handlerBuilder)
    {
        var services = handlerBuilder.Services;
        var pipelines = services.GetRequiredService<ResiliencePipelineRegistry<HttpClientPipelineKey>>();
        var key = new HttpClientPipelineKey(PipelineNameOf(handlerBuilder.Name ?? string.Empty), OptionsName, string.Empty);

        // A recipe builds nothing by itself: a handler that a later RemoveAllResilienceHandlers() drops leaves no pipeline and no circuit.
        pipelines.TryAddBuilder<HttpResponseMessage>(key, Configure(services));

        if (SelectorFactory is { } selectorFactory)
        {
            var instanceOf = selectorFactory(services);
            return new AttemptAwareResilienceHandler(request => pipelines.GetPipeline<HttpResponseMessage>(key with { InstanceName = instanceOf(request) }), this);
        }

        // Built by the first request, for the reason above; the registry keeps it (and its circuit) for the handlers that replace this one.
        var pipeline = new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => pipelines.GetPipeline<HttpResponseMessage>(key));
        return new AttemptAwareResilienceHandler(_ => pipeline.Value, this);
    }

    private Action<ResiliencePipelineBuilder<HttpResponseMessage>, ConfigureBuilderContext<HttpClientPipelineKey>> Configure(IServiceProvider services)
    {
        // Resolved now: the handler's service scope ends with the handler, while the registry keeps this recipe for reloads.
        var monitor = services.GetRequiredService<IOptionsMonitor<HttpAttemptAwareResilienceOptions>>();
        var breakers = services.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();
        var optionsName = OptionsName;
        return (pipeline, context) =>
        {
            context.EnableReloads(monitor, optionsName);
            var options = monitor.Get(optionsName);

            // Registered breakers are listed by name and keep their circuit across reloads (the rebuilt pipeline takes it over).
            options.CircuitBreaker.Registry ??= breakers;
            pipeline.AddAttemptAwareStandardResilience(options);
        };
    }
}
