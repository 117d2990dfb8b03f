using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// A real service collection and configuration with one named HttpClient behind the attempt-aware resilience handler bound
/// to the "Resilience" section.
/// </summary>
internal sealed class ClientServices : IDisposable
{
    public const string ClientName = "downstream";

    private ClientServices(IConfigurationRoot configuration, ServiceProvider provider)
    {
        Configuration = configuration;
        Provider = provider;
    }

    public IConfigurationRoot Configuration { get; }

    public ServiceProvider Provider { get; }

    public HttpClient Client => Provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    /// <summary>Settings that keep tests fast: no delay between retries (the thresholds stay at their defaults).</summary>
    public static Dictionary<string, string?> NoRetryDelay() => new() { ["Resilience:Retry:Delay"] = "00:00:00" };

    public static ClientServices Create(
        Uri? baseAddress,
        Dictionary<string, string?> settings,
        Action<IHttpAttemptAwareResiliencePipelineBuilder>? handler = null,
        Action<IServiceCollection>? services = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        services?.Invoke(collection);
        var pipeline = collection
            .AddHttpClient(ClientName, client => client.BaseAddress = baseAddress)
            .AddAttemptAwareResilienceHandler(configuration.GetSection("Resilience"));
        handler?.Invoke(pipeline);

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new ClientServices(configuration, provider);
    }

    /// <summary>Sends GET requests one after another until the circuit rejects one; returns the downstream's count at that moment.</summary>
    public async Task<int> RequestsUntilFirstRejectionAsync(KestrelDownstream downstream, string path = "/", int maxOperations = 200)
    {
        using var client = Client;
        return await RequestsUntilFirstRejectionAsync(client, downstream, path, maxOperations);
    }

    /// <summary>Sends GET requests through <paramref name="client"/> until the circuit rejects one; returns the downstream's count then.</summary>
    public static async Task<int> RequestsUntilFirstRejectionAsync(HttpClient client, KestrelDownstream downstream, string path = "/", int maxOperations = 200)
    {
        for (var i = 0; i < maxOperations; i++)
        {
            try
            {
                using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            }
            catch (BrokenCircuitException)
            {
                return downstream.Requests;
            }
        }

        throw new InvalidOperationException($"The circuit did not open within {maxOperations} operations ({downstream.Requests} requests).");
    }

    public void Dispose() => Provider.Dispose();
}
