using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.HalfOpen;

/// <summary>The half-open probe slots on raw timestamps, with a lease of 100 ticks.</summary>
public class ProbeSlotsTests
{
    private const long Lease = 100;
    private readonly ProbeSlots _slots = new();

    [Fact]
    public void TryTake_FreeSlot_TakesItAndCountsAnAdmittedProbe()
    {
        _slots.Resize(1);

        var taken = _slots.TryTake(0, Lease, out var slot, out _);

        Assert.Equal((true, 0, 1, 1L), (taken, slot, _slots.InFlight, _slots.TotalAdmitted));
    }

    [Fact]
    public void TryTake_EverySlotTaken_Refused()
    {
        _slots.Resize(2);
        Take(0);
        Take(0);

        var taken = _slots.TryTake(1, Lease, out var slot, out var lease);

        Assert.Equal((false, -1, 0L, 2L), (taken, slot, lease, _slots.TotalAdmitted));
    }

    [Fact]
    public void TryTake_SameSlotAgain_GetsANewLease()
    {
        _slots.Resize(1);
        var first = Take(0);
        _slots.Release(first);

        var second = Take(0);

        Assert.Equal(first.ProbeSlot, second.ProbeSlot);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
    }

    [Fact]
    public void TryTake_OneTickBeforeTheLeaseEnds_SlotStillTaken()
    {
        _slots.Resize(1);
        Take(0);

        Assert.False(_slots.TryTake(Lease - 1, Lease, out _, out _));
    }

    [Fact]
    public void TryTake_LeaseExpired_ReclaimsTheSlot()
    {
        _slots.Resize(1);
        Take(0);

        var taken = _slots.TryTake(Lease, Lease, out var slot, out _);

        Assert.Equal((true, 0, 1, 2L), (taken, slot, _slots.InFlight, _slots.TotalAdmitted));
    }

    [Fact]
    public void Release_CurrentLease_FreesTheSlotAndDecides()
    {
        _slots.Resize(1);
        var probe = Take(0);

        var decides = _slots.Release(probe);

        Assert.Equal((true, 0), (decides, _slots.InFlight));
    }

    [Fact]
    public void Release_Twice_SecondDoesNotDecideOrFreeAgain()
    {
        _slots.Resize(2);
        var probe = Take(0);
        Take(0);
        _slots.Release(probe);

        var decides = _slots.Release(probe);

        Assert.Equal((false, 1), (decides, _slots.InFlight));
    }

    [Fact]
    public void Release_StaleLeaseAfterTheSlotWasReused_KeepsTheNewProbesSlot()
    {
        _slots.Resize(1);
        var expired = Take(0);
        var current = Take(Lease);

        var decides = _slots.Release(expired);

        Assert.Equal((false, 1), (decides, _slots.InFlight));
        Assert.True(_slots.Release(current));
    }

    [Fact]
    public void Release_NotAProbe_DoesNotDecide()
    {
        _slots.Resize(1);
        Take(0);

        var decides = _slots.Release(new AttemptTicket(null, 0, 0, 0));

        Assert.Equal((false, 1), (decides, _slots.InFlight));
    }

    [Fact]
    public void Release_AfterClear_DoesNotDecide()
    {
        _slots.Resize(1);
        var probe = Take(0);
        _slots.Clear();

        Assert.False(_slots.Release(probe));
    }

    [Fact]
    public void Abandon_TakenSlot_FreesItAndDoesNotCountAsAdmitted()
    {
        _slots.Resize(1);
        var probe = Take(0);

        _slots.Abandon(probe);

        Assert.Equal((0, 0L), (_slots.InFlight, _slots.TotalAdmitted));
    }

    [Fact]
    public void Abandon_StaleLeaseAfterTheSlotWasReused_KeepsTheNewProbesSlot()
    {
        _slots.Resize(1);
        var expired = Take(0);
        Take(Lease);

        _slots.Abandon(expired);

        Assert.Equal((1, 1L), (_slots.InFlight, _slots.TotalAdmitted));
    }

    [Fact]
    public void CountSuccess_SeveralProbes_CountsSinceTheLastClear()
    {
        _slots.CountSuccess();
        _slots.Clear();
        _slots.CountSuccess();

        Assert.Equal(2, _slots.CountSuccess());
    }

    [Fact]
    public void Clear_TakenSlots_FreesThemAndKeepsTotalAdmitted()
    {
        _slots.Resize(2);
        Take(0);
        Take(0);

        _slots.Clear();

        Assert.Equal((0, 2L), (_slots.InFlight, _slots.TotalAdmitted));
        Assert.True(_slots.TryTake(0, Lease, out _, out _));
    }

    [Fact]
    public void Resize_Larger_ProbesKeepTheirSlots()
    {
        _slots.Resize(2);
        var first = Take(0);
        var second = Take(0);

        _slots.Resize(3);

        Assert.Equal((3, 2), (_slots.Count, _slots.InFlight));
        Assert.True(_slots.Release(first) && _slots.Release(second));
    }

    [Fact]
    public void Resize_Larger_NewSlotsAreFree()
    {
        _slots.Resize(1);
        Take(0);

        _slots.Resize(2);

        Assert.True(_slots.TryTake(0, Lease, out var slot, out _));
        Assert.Equal(1, slot);
    }

    [Fact]
    public void Resize_Smaller_ProbesInKeptSlotsStay()
    {
        _slots.Resize(3);
        var kept = Take(0);
        Take(0);
        Take(0);

        _slots.Resize(1);

        Assert.Equal(1, _slots.InFlight);
        Assert.True(_slots.Release(kept));
    }

    [Fact]
    public void Resize_Smaller_ProbesInDroppedSlotsNoLongerDecide()
    {
        _slots.Resize(2);
        Take(0);
        var dropped = Take(0);

        _slots.Resize(1);

        Assert.False(_slots.Release(dropped));
    }

    [Fact]
    public void Resize_SmallerThenLarger_DroppedProbeDoesNotReleaseTheSlotsNextProbe()
    {
        _slots.Resize(2);
        Take(0);
        var dropped = Take(0);
        _slots.Resize(1);
        _slots.Resize(2);
        Take(0);

        var decides = _slots.Release(dropped);

        Assert.Equal((false, 2), (decides, _slots.InFlight));
    }

    [Fact]
    public void EarliestExpiry_EverySlotTaken_EndOfTheOldestLease()
    {
        _slots.Resize(2);
        Take(10);
        Take(30);

        Assert.Equal(10 + Lease, _slots.EarliestExpiry(50, Lease));
    }

    [Fact]
    public void EarliestExpiry_LeaseAlreadyEnded_Now()
    {
        _slots.Resize(1);
        Take(0);

        Assert.Equal(150, _slots.EarliestExpiry(150, Lease));
    }

    [Fact]
    public void EarliestAdmission_NoProbeInFlight_ReturnsNone()
    {
        _slots.Resize(1);
        _slots.Release(Take(0));

        Assert.Equal(-7, _slots.EarliestAdmission(none: -7));
    }

    [Fact]
    public void EarliestAdmission_ProbesInFlight_TheOldestAdmission()
    {
        _slots.Resize(2);
        Take(30);
        Take(10);

        Assert.Equal(10, _slots.EarliestAdmission(none: -7));
    }

    private AttemptTicket Take(long now)
    {
        Assert.True(_slots.TryTake(now, Lease, out var slot, out var lease));
        return new AttemptTicket(null, 0, 0, 0, slot, lease, fleetSlot: -1);
    }
}
