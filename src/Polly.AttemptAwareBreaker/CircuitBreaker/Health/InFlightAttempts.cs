namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// The attempts of the current generation still running, counted by when they started, so the slow-attempt rule can count those that
/// have run past the threshold without waiting for them to end. Start times fall into slices of a quarter of the threshold in a ring
/// that covers sixteen thresholds; older attempts are kept in one count (they are overdue whatever their exact age). A slice counts
/// as overdue once all of it is, so an attempt counts at most a quarter of the threshold late. No timer: the state machine asks when
/// it admits an attempt. Not thread safe: executed under the state machine's lock.
/// </summary>
internal sealed class InFlightAttempts
{
    private const int Slices = 64;

    private readonly long[] _epoch = new long[Slices];
    private readonly int[] _count = new int[Slices];
    private readonly long _thresholdTicks;
    private readonly long _sliceTicks;
    private int _older;

    public InFlightAttempts(long thresholdTicks)
    {
        _thresholdTicks = thresholdTicks;
        _sliceTicks = Math.Max(1, thresholdTicks / 4);
        Clear();
    }

    /// <summary>Gets the slow threshold in timestamp ticks.</summary>
    public long ThresholdTicks => _thresholdTicks;

    /// <summary>Counts an attempt that started at <paramref name="startedAt"/>.</summary>
    /// <param name="startedAt">A timestamp of the breaker's clock.</param>
    public void Add(long startedAt)
    {
        var epoch = startedAt / _sliceTicks;
        var slot = (int)(epoch % Slices);
        if (_epoch[slot] != epoch)
        {
            if (_epoch[slot] > epoch)
            {
                // Started before the ring's oldest slice: overdue whatever its exact age.
                _older++;
                return;
            }

            _older += _count[slot];
            _epoch[slot] = epoch;
            _count[slot] = 0;
        }

        _count[slot]++;
    }

    /// <summary>Forgets an attempt that ended.</summary>
    /// <param name="startedAt">When it started.</param>
    public void Remove(long startedAt)
    {
        var epoch = startedAt / _sliceTicks;
        var slot = (int)(epoch % Slices);
        if (_epoch[slot] == epoch && _count[slot] > 0)
        {
            _count[slot]--;
        }
        else if (_older > 0)
        {
            _older--;
        }
    }

    /// <summary>Returns the number of attempts that have run past the threshold at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The count.</returns>
    public long Overdue(long now)
    {
        // A slice is overdue when its last tick started at least the threshold ago.
        var lastOverdue = ((now - _thresholdTicks + 1) / _sliceTicks) - 1;
        long overdue = _older;
        for (var i = 0; i < Slices; i++)
        {
            if (_epoch[i] <= lastOverdue)
            {
                overdue += _count[i];
            }
        }

        return overdue;
    }

    /// <summary>Forgets every attempt: the circuit changed state, so the attempts running belong to an earlier generation.</summary>
    public void Clear()
    {
        for (var i = 0; i < Slices; i++)
        {
            _epoch[i] = long.MinValue;
            _count[i] = 0;
        }

        _older = 0;
    }
}
