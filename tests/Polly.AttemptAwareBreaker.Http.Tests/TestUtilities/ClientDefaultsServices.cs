using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// A real service collection and configuration where the attempt-aware resilience handler is added for every client with
/// <c>ConfigureHttpClientDefaults</c>, bound to the "Resilience" section, as .NET Aspire's service defaults add a handler.
/// </summary>
internal sealed class ClientDefaultsServices : IDisposable
{
    private ClientDefaultsServices(IConfigurationRoot configuration, ServiceProvider provider)
    {
        Configuration = configuration;
        Provider = provider;
    }

    public IConfigurationRoot Configuration { get; }

    public ServiceProvider Provider { get; }

    public AttemptAwareCircuitBreakerRegistry Breakers => Provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();

    /// <summary>Registers the defaults, then the clients; builds the provider and runs the start-up validation as a host would.</summary>
    public static ClientDefaultsServices Create(
        Action<IServiceCollection> clients,
        Dictionary<string, string?>? settings = null,
        Action<IHttpAttemptAwareResiliencePipelineBuilder>? handler = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? ClientServices.NoRetryDelay()).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.ConfigureHttpClientDefaults(http =>
        {
            var pipeline = http.AddAttemptAwareResilienceHandler(configuration.GetSection("Resilience"));
            handler?.Invoke(pipeline);
        });
        clients(collection);

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new ClientDefaultsServices(configuration, provider);
    }

    public HttpClient CreateClient(string name) => Provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    public Dictionary<string, CircuitState> BreakerStates() => Breakers.GetBreakers().ToDictionary(b => b.Name, b => b.Snapshot.State);

    public void Dispose() => Provider.Dispose();
}
