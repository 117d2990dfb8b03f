using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Extensions.Tests.Telemetry;

public class StateChangeLogTests
{
    [Fact]
    public async Task Opening_ByConsecutiveFailures_LogsWarningWithNameStatesAndReason()
    {
        using var app = AppServices.WithBreaker(new() { ["Payments:ConsecutiveFailureThreshold"] = "2" });
        await app.RunAsync(() => true);
        await app.RunAsync(() => true);

        var entry = Assert.Single(app.Logs.Entries, e => e.EventId.Name == "CircuitStateChanged");

        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("payments/AttemptAwareCircuitBreaker", entry.State["BreakerName"]);
        Assert.Equal(CircuitState.Closed, entry.State["FromState"]);
        Assert.Equal(CircuitState.Open, entry.State["ToState"]);
        Assert.Equal(CircuitStateChangeReason.ConsecutiveFailures, entry.State["Reason"]);
    }

    [Fact]
    public async Task Opening_SharedCircuitBelowTheQuorum_LogsALocalOpeningWithTheFailingInstances()
    {
        var shared = new QuorumSharedState();
        using var app = AppServices.WithBreaker(
            new() { ["Payments:ConsecutiveFailureThreshold"] = "1" },
            services => services.PostConfigure<AttemptAwareCircuitBreakerStrategyOptions>(AppServices.Pipeline, o => o.SharedState = shared));
        _ = app.Resilience;
        shared.Host.ApplyFleetHealth([new InstanceHealth(20, 0, 0, 0), new InstanceHealth(20, 0, 0, 0)]);

        await app.RunAsync(() => true);

        var entry = Assert.Single(app.Logs.Entries, e => e.EventId.Name == "SharedCircuitOpened");
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(
            (CircuitOpenScope.Local, 1, 3, 2),
            ((CircuitOpenScope)entry.State["Scope"]!, (int)entry.State["FailingInstances"]!, (int)entry.State["ActiveInstances"]!, (int)entry.State["MinimumFailingInstances"]!));
    }

    [Fact]
    public async Task Opening_BreakerNotShared_NoSharedOpeningLogged()
    {
        using var app = AppServices.WithBreaker(new() { ["Payments:ConsecutiveFailureThreshold"] = "1" });

        await app.RunAsync(() => true);

        Assert.DoesNotContain(app.Logs.Entries, e => e.EventId.Name == "SharedCircuitOpened");
    }

    [Fact]
    public async Task Recovery_HalfOpenThenClosed_LogsEachStepWithItsReason()
    {
        using var app = AppServices.WithBreaker(new() { ["Payments:ConsecutiveFailureThreshold"] = "1" });
        await app.RunAsync(() => true);
        app.Time.Advance(TimeSpan.FromSeconds(5));

        await app.RunAsync(() => false);

        Assert.Equal(
            [CircuitStateChangeReason.ConsecutiveFailures, CircuitStateChangeReason.BreakElapsed, CircuitStateChangeReason.ProbesSucceeded],
            app.Logs.Entries.Where(e => e.EventId.Name == "CircuitStateChanged").Select(e => (CircuitStateChangeReason)e.State["Reason"]!));
    }

    [Fact]
    public async Task Opening_InShadowMode_LogsWhatItWouldDoAsInformation()
    {
        using var app = AppServices.WithBreaker(new() { ["Payments:ConsecutiveFailureThreshold"] = "1", ["Payments:Enforcement"] = "Shadow" });

        await app.RunAsync(() => true);

        var entry = Assert.Single(app.Logs.Entries, e => e.EventId.Name == "ShadowCircuitStateChanged");
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("(shadow) would change from Closed to Open", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, e => e.EventId.Name == "CircuitStateChanged");
    }
}
