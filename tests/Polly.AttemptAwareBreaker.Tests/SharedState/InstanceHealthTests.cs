namespace Polly.AttemptAwareBreaker.Tests.SharedState;

/// <summary><see cref="InstanceHealth"/>: its text and its guard against negative counts.</summary>
public class InstanceHealthTests
{
    [Fact]
    public void ToString_ClosedCircuit_ListsTheCounts()
    {
        Assert.Equal("3 successes, 2 failures, 1 slow, 2 consecutive failures", new InstanceHealth(3, 2, 1, 2).ToString());
    }

    [Fact]
    public void ToString_OpenCircuit_EndsWithOpen()
    {
        Assert.Equal("0 successes, 4 failures, 0 slow, 4 consecutive failures, open", new InstanceHealth(0, 4, 0, 4, isCircuitOpen: true).ToString());
    }

    [Fact]
    public void Constructor_NegativeCount_MessageTellsTheCountAndValue()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InstanceHealth(1, 0, -3, 0));

        Assert.StartsWith("slow is -3; it cannot be negative.", error.Message, StringComparison.Ordinal);
    }
}
