using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Every call of <c>AddAttemptAwareResilienceHandler</c> in one service collection, kept in the collection itself while services are
/// registered; at start-up it names the clients that could end up with two handlers.
/// </summary>
internal sealed class AttemptAwareHandlerRegistrations
{
    private readonly List<AttemptAwareHandlerRegistration> _registrations = [];

    /// <summary>
    /// Records <paramref name="registration"/> and makes its handler part of every client it applies to; the first call in a collection
    /// also registers what all of them share: the pipeline registry, the check of stacked handlers and its start-up run, and the telemetry
    /// services Microsoft's handler would have registered (<see cref="HttpTelemetryServices"/>).
    /// </summary>
    public static void Add(IHttpClientBuilder builder, AttemptAwareHandlerRegistration registration)
    {
        var services = builder.Services;
        if (services.FirstOrDefault(d => d.ServiceType == typeof(AttemptAwareHandlerRegistrations) && !d.IsKeyedService)?.ImplementationInstance
            is not AttemptAwareHandlerRegistrations all)
        {
            all = new AttemptAwareHandlerRegistrations();
            services.AddSingleton(all);
            services.AddResiliencePipelineRegistry<HttpClientPipelineKey>(options =>
            {
                options.BuilderComparer = HttpClientPipelineKey.BuilderComparer;
                options.BuilderNameFormatter = key => key.PipelineName;
                options.InstanceNameFormatter = key => key.InstanceName;
            });
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, StackedHandlersFilter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StackedHandlersStartupCheck>, StackedHandlersStartupCheck.Validator>());
            services.AddOptions<StackedHandlersStartupCheck>().ValidateOnStart();
            HttpTelemetryServices.Add(services);
        }

        lock (all._registrations)
        {
            all._registrations.Add(registration);
        }

        // What ConfigureAdditionalHttpMessageHandlers does, but with the HttpMessageHandlerBuilder, whose Name is the client being built
        // (under ConfigureHttpClientDefaults, builder.Name is null). Registered through builder.Services, so the defaults run first.
        services.Configure<HttpClientFactoryOptions>(builder.Name, options => options.HttpMessageHandlerBuilderActions.Add(
            handlers => handlers.AdditionalHandlers.Add(registration.CreateHandler(handlers))));
    }

    /// <summary>
    /// Returns the clients to build at start-up to find stacked handlers: with a handler for every client, each client that also has its
    /// own; otherwise each client with more than one of its own. (Whether <c>RemoveAllResilienceHandlers()</c> sits between two calls is
    /// only known once the client's handlers are built.)
    /// </summary>
    public IReadOnlyList<string> ClientsThatMayStack()
    {
        lock (_registrations)
        {
            var forEveryClient = _registrations.Any(r => r.ClientName is null);
            return [.. _registrations
                .Where(r => r.ClientName is not null)
                .GroupBy(r => r.ClientName!, StringComparer.Ordinal)
                .Where(g => forEveryClient || g.Count() > 1)
                .Select(g => g.Key)];
        }
    }
}
