// A user's app built from the packages as NuGet serves them: one public entry point of each of the four packages, and the
// netstandard2.0 library beside it. Exit code 0 and one line per package when everything loads and behaves; eng/check-packages.sh
// builds and runs it on each target framework.
using System.Net;
using System.Runtime.InteropServices;
using ConsumerApp;
using ConsumerLibrary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly;
using Polly.AttemptAwareBreaker;
using StackExchange.Redis;

Console.WriteLine($"package consumer on {RuntimeInformation.FrameworkDescription}");

// Polly.AttemptAwareBreaker, through the netstandard2.0 library: one transient failure, retried.
var coreState = new AttemptAwareCircuitBreakerStateProvider();
var calls = 0;
var answer = await CatalogueResilience.Build(coreState).ExecuteAsync(_ => ++calls == 1 ? throw new TimeoutException() : new ValueTask<int>(42));
Checks.That(answer == 42 && coreState.GetSnapshot().TotalAttempts.Total == 2, "Polly.AttemptAwareBreaker", $"answer {answer} after {calls} attempts");

// Polly.AttemptAwareBreaker.Http: the standard handler on a named HttpClient; the downstream answers 503, then 200.
var services = new ServiceCollection();
services.AddHttpClient("inventory")
    .ConfigurePrimaryHttpMessageHandler(() => new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK))
    .AddAttemptAwareResilienceHandler(options => options.Retry.Delay = TimeSpan.Zero);

// Polly.AttemptAwareBreaker.Extensions: the breaker health check over the registry the handler registered.
services.AddHealthChecks().AddAttemptAwareCircuitBreakerHealthCheck();

await using (var provider = services.BuildServiceProvider())
{
    var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("inventory");
    using var response = await client.GetAsync(new Uri("http://inventory.example/items/1"));
    Checks.That(response.StatusCode == HttpStatusCode.OK, "Polly.AttemptAwareBreaker.Http", $"{(int)response.StatusCode} after a retried 503");

    var breakers = provider.GetRequiredService<AttemptAwareCircuitBreakerRegistry>().GetBreakers();
    var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    Checks.That(breakers.Count == 1 && health.Status == HealthStatus.Healthy, "Polly.AttemptAwareBreaker.Extensions", $"{breakers.Count} breaker registered, health {health.Status}");
}

// Polly.AttemptAwareBreaker.Redis: a circuit shared through Redis, with no Redis reachable; the breaker keeps working locally.
using (var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=500"))
{
    var redisState = new AttemptAwareCircuitBreakerStateProvider();
    var pipeline = new ResiliencePipelineBuilder<int> { Name = "package-consumer" }
        .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = redisState }
            .UseRedis(redis, options => options.KeyPrefix = "package-consumer"))
        .Build();
    var result = await pipeline.ExecuteAsync(_ => new ValueTask<int>(7));
    Checks.That(result == 7 && redisState.GetSnapshot().TotalAttempts.Successes == 1, "Polly.AttemptAwareBreaker.Redis", "a call through a shared circuit without Redis");
}

return Checks.Failures;
