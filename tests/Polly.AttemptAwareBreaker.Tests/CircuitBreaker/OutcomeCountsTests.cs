namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class OutcomeCountsTests
{
    [Fact]
    public void Failures_TransientAndPermanent_AreAddedUp()
        => Assert.Equal(5, new OutcomeCounts(1, 2, 3, 4).Failures);

    [Fact]
    public void Total_EveryClass_IsAddedUp()
        => Assert.Equal(10, new OutcomeCounts(1, 2, 3, 4).Total);

    [Theory]
    [InlineData(9, 2, 3, 4)]
    [InlineData(1, 9, 3, 4)]
    [InlineData(1, 2, 9, 4)]
    [InlineData(1, 2, 3, 9)]
    public void Equals_OneClassDiffers_IsNotEqual(long successes, long transient, long permanent, long ignored)
    {
        var counts = new OutcomeCounts(1, 2, 3, 4);
        var other = new OutcomeCounts(successes, transient, permanent, ignored);

        Assert.False(counts.Equals(other));
        Assert.True(counts != other);
    }

    [Fact]
    public void Equals_SameCounts_IsEqualWithTheSameHash()
    {
        var counts = new OutcomeCounts(1, 2, 3, 4);
        var other = new OutcomeCounts(1, 2, 3, 4);

        Assert.True(counts == other);
        Assert.Equal(counts.GetHashCode(), other.GetHashCode());
    }

    [Fact]
    public void ToString_EveryClass_IsNamedWithItsCount()
        => Assert.Equal("successes 1, transient failures 2, permanent failures 3, ignored 4", new OutcomeCounts(1, 2, 3, 4).ToString());
}
