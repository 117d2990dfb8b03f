using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;

/// <summary>
/// A real service collection with reloadable in-memory configuration, a fake clock, captured logs and one pipeline named
/// "payments" registered through Polly.Extensions' <c>AddResiliencePipeline</c>.
/// </summary>
internal sealed class AppServices : IDisposable
{
    public const string Pipeline = "payments";

    private AppServices(IConfigurationRoot configuration, ServiceProvider provider, CapturingLoggerProvider logs)
    {
        Configuration = configuration;
        Provider = provider;
        Logs = logs;
    }

    public IConfigurationRoot Configuration { get; }

    public ServiceProvider Provider { get; }

    public CapturingLoggerProvider Logs { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Provider.GetRequiredService<TimeProvider>();

    public AttemptAwareCircuitBreakerRegistry Registry => Provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>();

    public ResiliencePipeline Resilience => Provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(Pipeline);

    /// <summary>The breaker alone, options bound from "Payments".</summary>
    public static AppServices WithBreaker(Dictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
        => Create(settings, services =>
        {
            services.AddAttemptAwareCircuitBreakerOptions(Pipeline, Section(services, "Payments"));
            services.AddResiliencePipeline(Pipeline, (builder, context) => builder.AddAttemptAwareCircuitBreaker(context, Pipeline));
            extra?.Invoke(services);
        });

    /// <summary>Retry and breaker composed, options bound from "Payments" (Retry:… and CircuitBreaker:… keys).</summary>
    public static AppServices WithRetryAndBreaker(Dictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
        => Create(settings, services =>
        {
            services.AddAttemptAwareRetryAndCircuitBreakerOptions(Pipeline, Section(services, "Payments"));
            services.AddResiliencePipeline(Pipeline, (builder, context) => builder.AddAttemptAwareRetryAndCircuitBreaker(context, Pipeline));
            extra?.Invoke(services);
        });

    public static AppServices Create(Dictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddLogging(logging => logging.AddProvider(logs));
        register(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new AppServices(configuration, provider, logs);
    }

    /// <summary>Runs one operation against a downstream that answers with <paramref name="fail"/>: true throws, false succeeds.</summary>
    public async Task<Outcome<int>> RunAsync(Func<bool> fail)
    {
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        try
        {
            return await Resilience.ExecuteOutcomeAsync(
                static (_, f) => new ValueTask<Outcome<int>>(f() ? Outcome.FromException<int>(new HttpRequestException("down")) : Outcome.FromResult(200)),
                context,
                fail);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Reload(string key, string? value)
    {
        Configuration[key] = value;
        Configuration.Reload();
    }

    public void Dispose() => Provider.Dispose();

    private static IConfigurationSection Section(IServiceCollection services, string key)
        => ((IConfiguration)services.Single(d => d.ServiceType == typeof(IConfiguration)).ImplementationInstance!).GetSection(key);
}
