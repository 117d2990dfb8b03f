namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

/// <summary>The arguments of the slow-attempt telemetry event.</summary>
public class SlowAttemptArgumentsTests
{
    [Fact]
    public void ToString_SlowAttempt_ShowsAttemptClassAndDuration()
        => Assert.Equal(
            "attempt 1: TransientFailure in 250 ms",
            new SlowAttemptArguments(1, OutcomeClass.TransientFailure, TimeSpan.FromMilliseconds(250)).ToString());
}
