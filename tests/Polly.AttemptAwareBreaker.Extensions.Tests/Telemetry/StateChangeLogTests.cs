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
