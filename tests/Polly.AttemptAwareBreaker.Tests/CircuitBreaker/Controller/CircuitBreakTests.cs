using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>A break of 5 s started at timestamp 1000 of the fake clock (ten million timestamps a second).</summary>
public class CircuitBreakTests
{
    private const long OpenedAt = 1_000;
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(5);
    private readonly BreakerClock _clock = new(new FakeTimeProvider());
    private readonly CircuitBreak _break;

    public CircuitBreakTests()
    {
        _break = new CircuitBreak(_clock, Length);
        _break.Start(OpenedAt, Length);
    }

    [Fact]
    public void Start_AnotherBreakLater_EndsItsLengthAfterThatMoment()
    {
        _break.Start(9_000, TimeSpan.FromSeconds(2));

        Assert.Equal((9_000 + Ticks(TimeSpan.FromSeconds(2)), Ticks(TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(2)), (_break.Until, _break.Ticks, _break.Length));
    }

    [Fact]
    public void HasEnded_OneTickBeforeTheEnd_False()
    {
        Assert.False(_break.HasEnded(_break.Until - 1));
    }

    [Fact]
    public void HasEnded_AtTheEnd_True()
    {
        Assert.True(_break.HasEnded(_break.Until));
    }

    [Fact]
    public void Resize_Longer_MeasuredFromTheOpening()
    {
        _break.Resize(TimeSpan.FromSeconds(8));

        Assert.Equal((OpenedAt + Ticks(TimeSpan.FromSeconds(8)), TimeSpan.FromSeconds(8)), (_break.Until, _break.Length));
    }

    [Fact]
    public void Resize_Shorter_MeasuredFromTheOpening()
    {
        _break.Resize(TimeSpan.FromSeconds(2));

        Assert.Equal(OpenedAt + Ticks(TimeSpan.FromSeconds(2)), _break.Until);
    }

    [Fact]
    public void Resize_Twice_StillMeasuredFromTheOpening()
    {
        _break.Resize(TimeSpan.FromSeconds(8));

        _break.Resize(TimeSpan.FromSeconds(3));

        Assert.Equal((OpenedAt + Ticks(TimeSpan.FromSeconds(3)), Ticks(TimeSpan.FromSeconds(3))), (_break.Until, _break.Ticks));
    }

    [Fact]
    public void LastsUntil_ExactlyTheEnd_True()
    {
        Assert.True(_break.LastsUntil(_break.Until));
    }

    [Fact]
    public void LastsUntil_OneMillisecondAfterTheEnd_TrueWithinTolerance()
    {
        Assert.True(_break.LastsUntil(_break.Until + Ticks(TimeSpan.FromMilliseconds(1))));
    }

    [Fact]
    public void LastsUntil_JustOverOneMillisecondAfterTheEnd_False()
    {
        Assert.False(_break.LastsUntil(_break.Until + Ticks(TimeSpan.FromMilliseconds(1)) + 1));
    }

    [Fact]
    public void Remaining_DuringTheBreak_TimeLeft()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), _break.Remaining(OpenedAt + Ticks(TimeSpan.FromSeconds(2))));
    }

    [Fact]
    public void Remaining_AfterTheBreak_Zero()
    {
        Assert.Equal(TimeSpan.Zero, _break.Remaining(_break.Until + Ticks(TimeSpan.FromSeconds(1))));
    }

    private long Ticks(TimeSpan time) => _clock.ToTicks(time);
}
