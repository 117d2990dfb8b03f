namespace Polly.AttemptAwareBreaker.Tests.Registry;

/// <summary>The one-line form of a state change, as a log line shows it.</summary>
public class CircuitStateChangeTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToString_Enforcing_IsNameStatesReasonAndTime()
    {
        var change = new CircuitStateChange("payments/AttemptAwareCircuitBreaker", CircuitState.Closed, CircuitState.Open, CircuitStateChangeReason.ConsecutiveFailures, At);

        Assert.Equal("payments/AttemptAwareCircuitBreaker: Closed -> Open (ConsecutiveFailures) at 2026-12-03T07:00:00.0000000+00:00", change.ToString());
    }

    [Fact]
    public void ToString_Shadow_MarksTheNameAsShadow()
    {
        var change = new CircuitStateChange(
            "payments/AttemptAwareCircuitBreaker", CircuitState.Open, CircuitState.HalfOpen, CircuitStateChangeReason.BreakElapsed, At, CircuitBreakerEnforcement.Shadow);

        Assert.Equal("payments/AttemptAwareCircuitBreaker (shadow): Open -> HalfOpen (BreakElapsed) at 2026-12-03T07:00:00.0000000+00:00", change.ToString());
    }
}
