using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.HealthChecks;

public class CircuitBreakerHealthCheckTests
{
    private const string Breaker = "payments/AttemptAwareCircuitBreaker";

    private static Dictionary<string, string?> Settings => new()
    {
        ["Payments:ConsecutiveFailureThreshold"] = "2",
        ["Payments:MinimumThroughput"] = "100000",
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Check_AllCircuitsClosed_IsHealthy()
    {
        using var app = WithHealthChecks();
        await app.RunAsync(() => false);

        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);

        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public async Task Check_CircuitOpen_IsDegradedWithTheBreakerStateAsData()
    {
        using var app = WithHealthChecks();
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);
        var entry = report.Entries["attempt-aware-circuit-breakers"];

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal("Open", ((IReadOnlyDictionary<string, object?>)entry.Data[Breaker])["state"]);
    }

    [Fact]
    public async Task Check_OpenStatusConfiguredUnhealthy_OpenCircuitIsUnhealthy()
    {
        using var app = WithHealthChecks(o => o.OpenStatus = HealthStatus.Unhealthy);
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }

    [Fact]
    public async Task IsolateByName_NextCallRejectedAndHealthTurnsUnhealthy()
    {
        using var app = WithHealthChecks();
        await app.RunAsync(() => false);

        await app.Registry.IsolateAsync(Breaker, Cancel);
        var outcome = await app.RunAsync(() => false);
        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains($"{Breaker} is Isolated", report.Entries["attempt-aware-circuit-breakers"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAllAfterIsolation_HealthReturnsToHealthyAndCallsPass()
    {
        using var app = WithHealthChecks();
        await app.Registry.IsolateAsync(Breaker, Cancel);

        await app.Registry.CloseAllAsync(Cancel);
        var outcome = await app.RunAsync(() => false);
        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);

        Assert.Equal(200, outcome.Result);
        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public async Task Check_FilterExcludesTheOpenBreaker_IsHealthy()
    {
        using var app = WithHealthChecks(o => o.Filter = name => !name.StartsWith("payments/", StringComparison.Ordinal));
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);

        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public async Task Check_ShadowCircuitOpen_IsHealthyAndSaysWhatItWouldBe()
    {
        var settings = Settings;
        settings["Payments:Enforcement"] = "Shadow";
        using var app = WithHealthChecks(settings: settings);
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        var report = await app.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel);
        var entry = report.Entries["attempt-aware-circuit-breakers"];

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains($"{Breaker} (shadow) would be Open", entry.Description, StringComparison.Ordinal);
        Assert.Equal("Shadow", ((IReadOnlyDictionary<string, object?>)entry.Data[Breaker])["enforcement"]);
    }

    private static AppServices WithHealthChecks(
        Action<AttemptAwareBreaker.HealthChecks.AttemptAwareCircuitBreakerHealthCheckOptions>? configure = null,
        Dictionary<string, string?>? settings = null)
    {
        var app = AppServices.WithBreaker(settings ?? Settings, services => services.AddHealthChecks().AddAttemptAwareCircuitBreakerHealthCheck(configure));
        _ = app.Resilience; // the breaker exists (and is registered) once the pipeline is built
        return app;
    }
}
