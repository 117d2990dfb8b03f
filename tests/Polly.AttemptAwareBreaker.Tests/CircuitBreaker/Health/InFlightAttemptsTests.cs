using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Health;

/// <summary>
/// The running attempts on raw timestamps, with a slow threshold of 40 ticks: slices of 10 ticks in a ring of 64, so an attempt started
/// at 640 takes the slot of one started at 0. At 650 only attempts started before 610 are overdue; at 1000 every one below is.
/// </summary>
public class InFlightAttemptsTests
{
    private const long RingLater = 640;
    private readonly InFlightAttempts _running = new(thresholdTicks: 40);

    [Fact]
    public void Add_StartedBeforeTheRingsOldestSlice_CountsAsOverdue()
    {
        _running.Add(RingLater);

        _running.Add(0);

        Assert.Equal(1, _running.Overdue(RingLater + 10));
    }

    [Fact]
    public void Remove_AttemptMovedOutOfTheRing_NoLongerOverdue()
    {
        _running.Add(0);
        _running.Add(RingLater); // takes the slot of 0: that attempt now counts among the older ones

        _running.Remove(0);

        Assert.Equal(0, _running.Overdue(RingLater + 10));
    }

    [Fact]
    public void Remove_AttemptNeverCounted_KeepsTheAttemptInItsSlot()
    {
        // An attempt started before the slow threshold was reloaded, so never added to this instance, ends.
        _running.Add(RingLater);

        _running.Remove(0);

        Assert.Equal(1, _running.Overdue(1000));
    }

    [Fact]
    public void Remove_AttemptNeverCountedInAnEmptiedSlice_LaterAttemptInThatSliceCounted()
    {
        _running.Add(RingLater);
        _running.Remove(RingLater);
        _running.Remove(RingLater + 5); // never added: the slice must not go below zero

        _running.Add(RingLater + 1);

        Assert.Equal(1, _running.Overdue(1000));
    }
}
