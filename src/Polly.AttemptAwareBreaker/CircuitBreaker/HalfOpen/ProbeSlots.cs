using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;

/// <summary>
/// The half-open circuit's probe slots: which are taken and by which lease, since when, and how many probes succeeded. A probe that
/// does not report within its lease (the break duration) gives its slot up, so a hung probe cannot wedge the circuit.
/// Not thread safe: executed under the state machine's lock.
/// </summary>
internal sealed class ProbeSlots
{
    private long[] _lease = []; // the lease held in each slot; 0 = free
    private long[] _admittedAt = [];
    private long _nextLease;

    /// <summary>Gets the number of slots.</summary>
    public int Count => _lease.Length;

    /// <summary>Gets the number of probes admitted and not yet finished.</summary>
    public int InFlight { get; private set; }

    /// <summary>Gets the number of probes admitted since the breaker was created.</summary>
    public long TotalAdmitted { get; private set; }

    /// <summary>Gets the number of probes that succeeded since the slots were last cleared.</summary>
    public int Successes { get; private set; }

    /// <summary>
    /// Changes the number of slots (a configuration reload). Probes in flight keep their slots as far as the new count allows; the
    /// others report as ordinary attempts.
    /// </summary>
    /// <param name="count">The new number of slots.</param>
    public void Resize(int count)
    {
        if (count == _lease.Length)
        {
            return;
        }

        var lease = new long[count];
        var admittedAt = new long[count];
        var kept = Math.Min(count, _lease.Length);
        Array.Copy(_lease, lease, kept);
        Array.Copy(_admittedAt, admittedAt, kept);
        _lease = lease;
        _admittedAt = admittedAt;
        InFlight = lease.Count(l => l != 0);
    }

    /// <summary>Takes a free slot, first freeing the slots whose probe outlived its lease.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="leaseTicks">How long a probe may hold its slot, in timestamp ticks.</param>
    /// <param name="slot">The slot taken.</param>
    /// <param name="lease">The lease that identifies this use of the slot.</param>
    /// <returns><see langword="true"/> when a slot was free.</returns>
    public bool TryTake(long now, long leaseTicks, out int slot, out long lease)
    {
        for (var i = 0; i < _lease.Length; i++)
        {
            if (_lease[i] != 0 && now - _admittedAt[i] >= leaseTicks)
            {
                _lease[i] = 0;
                InFlight--;
            }
        }

        for (var i = 0; i < _lease.Length; i++)
        {
            if (_lease[i] == 0)
            {
                _lease[i] = lease = ++_nextLease;
                _admittedAt[i] = now;
                InFlight++;
                TotalAdmitted++;
                slot = i;
                return true;
            }
        }

        slot = -1;
        lease = 0;
        return false;
    }

    /// <summary>Frees the slot of a probe that finished, if it still holds it.</summary>
    /// <param name="ticket">The probe's ticket.</param>
    /// <returns><see langword="true"/> when the ticket still held its slot: its outcome decides for the half-open circuit.</returns>
    public bool Release(in AttemptTicket ticket)
    {
        if (!ticket.IsProbe || ticket.ProbeSlot >= _lease.Length || _lease[ticket.ProbeSlot] != ticket.LeaseId)
        {
            return false;
        }

        _lease[ticket.ProbeSlot] = 0;
        InFlight--;
        return true;
    }

    /// <summary>Gives back the slot of a probe that was never sent (the fleet refused it): it does not count as admitted.</summary>
    /// <param name="ticket">The probe's ticket.</param>
    public void Abandon(in AttemptTicket ticket)
    {
        Release(ticket);
        TotalAdmitted--;
    }

    /// <summary>Counts a successful probe.</summary>
    /// <returns>The number of successful probes since the slots were last cleared.</returns>
    public int CountSuccess() => ++Successes;

    /// <summary>Frees every slot and forgets the successes: the circuit changed state.</summary>
    public void Clear()
    {
        Array.Clear(_lease, 0, _lease.Length);
        InFlight = 0;
        Successes = 0;
    }

    /// <summary>Returns when the probe in flight longest was admitted.</summary>
    /// <param name="none">What to return when no probe is in flight.</param>
    /// <returns>A timestamp, or <paramref name="none"/>.</returns>
    public long EarliestAdmission(long none)
    {
        var earliest = long.MaxValue;
        for (var i = 0; i < _lease.Length; i++)
        {
            if (_lease[i] != 0)
            {
                earliest = Math.Min(earliest, _admittedAt[i]);
            }
        }

        return earliest == long.MaxValue ? none : earliest;
    }

    /// <summary>Returns when the earliest lease ends (the latest time a slot frees up).</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="leaseTicks">How long a probe may hold its slot, in timestamp ticks.</param>
    /// <returns>A timestamp no earlier than <paramref name="now"/>.</returns>
    public long EarliestExpiry(long now, long leaseTicks)
    {
        var earliest = long.MaxValue;
        foreach (var admittedAt in _admittedAt)
        {
            earliest = Math.Min(earliest, admittedAt + leaseTicks);
        }

        return Math.Max(now, earliest);
    }
}
