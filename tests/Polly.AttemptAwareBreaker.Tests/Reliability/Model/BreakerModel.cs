namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// A small reference model of the attempt-aware breaker, written for obviousness rather than speed: the sliding window is a plain
/// list of counted attempts, rejections and running attempts are lists of timestamps, probe slots are an array. Every transition starts
/// a new generation: an attempt's outcome is counted in the totals and the window, but only an attempt admitted by the current
/// generation counts for the trip rules and can move the circuit. The opt-in rules are here too, each off unless its setting is given:
/// slow attempts (finished ones that took at least the threshold, and attempts still running past it, judged at the next admission),
/// adaptive throttling (<see cref="ThrottleModel"/>), the recovery ramp with its failure-ratio rule, shadow enforcement and pauses the
/// downstream asks for. The property tests drive it and the real breaker with the same commands and compare them after every step.
/// </summary>
internal sealed class BreakerModel
{
    private const int Buckets = 10;
    private readonly Settings _settings;
    private readonly List<(long Bucket, OutcomeClass Class, bool Judged, bool Slow)> _window = [];
    private readonly List<long> _rejectionBuckets = [];
    private readonly List<long> _running = []; // start times of the attempts the closed circuit of this generation admitted (slow rule on)
    private readonly long[] _slotLease;
    private readonly long[] _slotAt;
    private readonly ThrottleModel? _throttle;
    private long _nextLease;
    private int _halfOpenSuccesses;
    private long _openUntil;
    private long _breakTicks; // the length of the latest break, which is also the lease of a probe slot
    private long? _rampStartedAt;
    private long _generation;

    public BreakerModel(Settings settings)
    {
        _settings = settings;
        _slotLease = new long[settings.Probes];
        _slotAt = new long[settings.Probes];
        _breakTicks = settings.BreakTicks;
        _throttle = settings.Throttle is { } throttle ? new ThrottleModel(throttle) : null;
    }

    public CircuitState State { get; private set; } = CircuitState.Closed;

    public long[] Totals { get; } = new long[4];

    /// <summary>Gets the outcomes of the attempts shadow mode let through instead of rejecting, by class.</summary>
    public long[] ShadowTotals { get; } = new long[4];

    public long Rejections { get; private set; }

    public long TotalSlow { get; private set; }

    public int Consecutive { get; private set; }

    public int ProbesInFlight => _slotLease.Count(l => l != 0);

    public long ProbesAdmitted { get; private set; }

    /// <summary>Gets how many random numbers the ramp and the throttle drew.</summary>
    public int Draws { get; private set; }

    /// <summary>Gets every state change, with its reason.</summary>
    public List<(CircuitState State, CircuitStateChangeReason Reason)> Transitions { get; } = [];

    /// <summary>Gets the <c>RetryAfter</c> of the latest rejection (<see langword="null"/> for an isolated circuit's).</summary>
    public TimeSpan? LastRetryAfter { get; private set; }

    /// <summary>
    /// Asks to send an attempt at <paramref name="now"/>; returns the ticket, or null when the circuit rejects (in shadow mode, a shadow
    /// ticket instead). <paramref name="random"/> gives the random numbers the ramp, then the throttle, draw.
    /// </summary>
    public Ticket? Acquire(long now, Func<double>? random = null)
    {
        // First what the passing of time changed: a break that ended, an attempt running past the slow threshold.
        if (State == CircuitState.Open && now >= _openUntil)
        {
            Enter(CircuitState.HalfOpen, CircuitStateChangeReason.BreakElapsed);
        }
        else if (State == CircuitState.Closed && _running.Any(startedAt => IsOverdue(startedAt, now)) && Judge(now) is { } reason)
        {
            Open(now, reason);
        }
        else if (State == CircuitState.HalfOpen && _settings.SlowThreshold is { } slow
            && Enumerable.Range(0, _slotLease.Length).Any(i => _slotLease[i] != 0 && now - _slotAt[i] >= slow.Ticks))
        {
            Open(now, CircuitStateChangeReason.SlowAttempts); // a probe still running past the threshold
        }

        switch (State)
        {
            case CircuitState.Closed:
                if (RampShare(now) is var share && share < 1 && Draw(random) >= share)
                {
                    return Reject(now, TimeSpan.FromTicks(Math.Max(1, _settings.Ramp!.Value.Ticks / 10)));
                }

                if (_throttle is not null && _throttle.Refuses(now, () => Draw(random)))
                {
                    return Reject(now, TimeSpan.FromTicks(_settings.Throttle!.Window.Ticks / 10));
                }

                if (_settings.SlowThreshold is not null)
                {
                    _running.Add(now);
                }

                return new Ticket(-1, 0, _generation, now);
            case CircuitState.HalfOpen:
                for (var i = 0; i < _slotLease.Length; i++)
                {
                    if (_slotLease[i] != 0 && now - _slotAt[i] >= _breakTicks)
                    {
                        _slotLease[i] = 0; // a probe that did not report within the break gives its slot up
                    }
                }

                for (var i = 0; i < _slotLease.Length; i++)
                {
                    if (_slotLease[i] == 0)
                    {
                        _slotLease[i] = ++_nextLease;
                        _slotAt[i] = now;
                        ProbesAdmitted++;
                        return new Ticket(i, _slotLease[i], _generation, now);
                    }
                }

                return Reject(now, TimeSpan.FromTicks(_slotAt.Min(at => at + _breakTicks) - now)); // when a slot frees up at the latest
            case CircuitState.Open:
                return Reject(now, TimeSpan.FromTicks(Math.Max(0, _openUntil - now)));
            default:
                return Reject(now, null);
        }
    }

    /// <summary>Reports an attempt's outcome at <paramref name="now"/>, with the pause the downstream asked for in it, if any.</summary>
    public void Report(Ticket ticket, OutcomeClass outcome, long now, TimeSpan? askedPause = null)
    {
        if (ticket.Shadow)
        {
            ShadowTotals[(int)outcome]++; // counted apart; moves nothing
            return;
        }

        var current = ticket.Generation == _generation;
        var slow = _settings.SlowThreshold is { } threshold && outcome != OutcomeClass.Ignored && now - ticket.StartedAt >= threshold.Ticks;
        _window.Add((now / _settings.BucketTicks, outcome, current, slow));
        Totals[(int)outcome]++;
        TotalSlow += slow ? 1 : 0;
        if (!current)
        {
            return; // admitted before the latest transition: counted, but cannot move the circuit
        }

        _running.Remove(ticket.StartedAt);
        var failure = outcome is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure;
        if (failure)
        {
            Consecutive++;
        }
        else if (outcome == OutcomeClass.Success)
        {
            Consecutive = 0;
        }

        _throttle?.Count(outcome, now);
        if (Pause(askedPause) is { } pause && State is CircuitState.Closed or CircuitState.HalfOpen)
        {
            Open(now, CircuitStateChangeReason.ServerRequested, pause.Ticks);
            return;
        }

        if (State == CircuitState.HalfOpen && ticket.Slot >= 0 && _slotLease[ticket.Slot] == ticket.Lease)
        {
            _slotLease[ticket.Slot] = 0;
            if (failure)
            {
                Open(now, CircuitStateChangeReason.ProbeFailed);
            }
            else if (slow)
            {
                Open(now, CircuitStateChangeReason.SlowAttempts);
            }
            else if (outcome == OutcomeClass.Success && ++_halfOpenSuccesses >= _settings.SuccessThreshold)
            {
                Close(CircuitStateChangeReason.ProbesSucceeded, rampFrom: now);
            }

            return;
        }

        if (State == CircuitState.Closed && (failure || slow) && Judge(now) is { } reason)
        {
            Open(now, reason);
        }
    }

    public void Isolate() => Enter(CircuitState.Isolated, CircuitStateChangeReason.ManualIsolate);

    public void Close() => Close(CircuitStateChangeReason.ManualClose, rampFrom: null);

    public long[] WindowCounts(long now)
    {
        var counts = new long[4];
        foreach (var attempt in InWindow(now))
        {
            counts[(int)attempt.Class]++;
        }

        return counts;
    }

    /// <summary>Returns the time left in the break of an open circuit (zero once it ended), or null when not open.</summary>
    public TimeSpan? BreakLeft(long now) => State == CircuitState.Open ? TimeSpan.FromTicks(Math.Max(0, _openUntil - now)) : null;

    public long WindowSlow(long now) => InWindow(now).Count(a => a.Slow);

    public long WindowRejections(long now) => _rejectionBuckets.Count(b => b > (now / _settings.BucketTicks) - Buckets);

    private IEnumerable<(long Bucket, OutcomeClass Class, bool Judged, bool Slow)> InWindow(long now)
        => _window.Where(e => e.Bucket > (now / _settings.BucketTicks) - Buckets);

    /// <summary>The trip rules in order (consecutive failures, failure ratio, failure ratio during a ramp, slow attempts): the first that trips.</summary>
    private CircuitStateChangeReason? Judge(long now)
    {
        var judged = InWindow(now).Where(e => e.Judged).ToList();
        long successes = judged.Count(e => e.Class == OutcomeClass.Success);
        long failures = judged.Count(e => e.Class is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure);
        long slow = judged.Count(e => e.Slow);
        long overdue = _running.Count(startedAt => IsOverdue(startedAt, now));
        var counted = successes + failures;
        var share = RampShare(now);
        if (_settings.Consecutive is { } threshold && Consecutive >= threshold)
        {
            return CircuitStateChangeReason.ConsecutiveFailures;
        }

        // While the throttle sheds below its cap, the failures it lets through are its equilibrium: the failure-ratio rules wait.
        var shedding = _throttle is { } throttle && throttle.Probability(now) is var p && p > 0 && p < _settings.Throttle!.MaxProbability;
        if (!shedding && counted >= _settings.MinimumThroughput && (double)failures / counted >= _settings.FailureRatio)
        {
            return CircuitStateChangeReason.FailureRatio;
        }

        // During a recovery ramp the failure ratio applies once the window holds the ramp's share of the minimum throughput (at least 2).
        if (!shedding && share < 1 && counted >= Math.Max(2, (long)Math.Ceiling(_settings.MinimumThroughput * share)) && (double)failures / counted >= _settings.FailureRatio)
        {
            return CircuitStateChangeReason.FailureRatio;
        }

        // An attempt still running past the threshold is slow and counted on both sides of the ratio.
        if (_settings.SlowThreshold is not null && slow + overdue > 0 && counted + overdue >= _settings.MinimumThroughput
            && (double)(slow + overdue) / (counted + overdue) >= _settings.SlowRatio)
        {
            return CircuitStateChangeReason.SlowAttempts;
        }

        return null;
    }

    /// <summary>
    /// Whether an attempt that started at <paramref name="startedAt"/> and still runs counts as overdue: running attempts are followed in
    /// slices of a quarter of the threshold, and a slice is overdue once all of it is (its last tick started at least the threshold ago).
    /// </summary>
    private bool IsOverdue(long startedAt, long now)
    {
        var threshold = _settings.SlowThreshold!.Value.Ticks;
        var slice = Math.Max(1, threshold / 4);
        var lastTickOfSlice = ((startedAt / slice) + 1) * slice - 1;
        return now - lastTickOfSlice >= threshold;
    }

    /// <summary>The share of attempts the recovery ramp admits: from the floor to 1, linearly over the ramp's duration after it started.</summary>
    private double RampShare(long now)
    {
        if (_rampStartedAt is not { } startedAt || now - startedAt >= _settings.Ramp!.Value.Ticks)
        {
            return 1;
        }

        var floor = _settings.RampFloor;
        return floor + ((1 - floor) * (now - startedAt) / _settings.Ramp.Value.Ticks);
    }

    /// <summary>The break a pause the downstream asked for gives: at least the minimum, cut to the maximum; none without a generator.</summary>
    private TimeSpan? Pause(TimeSpan? asked)
        => _settings.PauseMinimum is { } minimum && asked is { } pause && pause >= minimum && pause > TimeSpan.Zero
            ? (pause > _settings.PauseMaximum ? _settings.PauseMaximum : pause)
            : null;

    private double Draw(Func<double>? random)
    {
        Draws++;
        return random?.Invoke() ?? throw new InvalidOperationException("The model drew a random number, but the command carries none.");
    }

    /// <summary>Counts a rejection; in shadow mode the attempt goes ahead all the same, as a shadow attempt.</summary>
    private Ticket? Reject(long now, TimeSpan? retryAfter)
    {
        Rejections++;
        _rejectionBuckets.Add(now / _settings.BucketTicks);
        LastRetryAfter = retryAfter;
        return _settings.Shadow ? new Ticket(-1, 0, -1, now, Shadow: true) : null;
    }

    private void Open(long now, CircuitStateChangeReason reason, long? breakTicks = null)
    {
        Enter(CircuitState.Open, reason);
        _breakTicks = breakTicks ?? _settings.BreakTicks;
        _openUntil = now + _breakTicks;
    }

    /// <summary>Closes the circuit: its window, run of failures and throttle start empty; a recovery ramp starts from <paramref name="rampFrom"/>.</summary>
    private void Close(CircuitStateChangeReason reason, long? rampFrom)
    {
        Enter(CircuitState.Closed, reason);
        Consecutive = 0;
        _window.Clear();
        _rejectionBuckets.Clear();
        _throttle?.Reset();
        _rampStartedAt = _settings.Ramp is null ? null : rampFrom;
    }

    private void Enter(CircuitState state, CircuitStateChangeReason reason)
    {
        State = state;
        _generation++;
        Array.Clear(_slotLease);
        _halfOpenSuccesses = 0;
        _running.Clear();
        _rampStartedAt = null;
        Transitions.Add((state, reason));
    }

    /// <summary>The permission for one attempt: its probe slot and lease (-1 and 0 when not a probe), generation and start.</summary>
    internal readonly record struct Ticket(int Slot, long Lease, long Generation, long StartedAt = 0, bool Shadow = false);

    /// <summary>
    /// An option set. The opt-in rules are off unless given: <see cref="SlowThreshold"/>, <see cref="Throttle"/>, <see cref="Ramp"/>,
    /// <see cref="Shadow"/> and <see cref="PauseMinimum"/> (a <c>RequestedBreakGenerator</c> is set).
    /// </summary>
    internal sealed record Settings(int? Consecutive, int MinimumThroughput, double FailureRatio, TimeSpan Break, int Probes, int SuccessThreshold, TimeSpan Sampling)
    {
        public TimeSpan? SlowThreshold { get; init; }

        public double SlowRatio { get; init; } = 1.0;

        public ThrottleModel.Settings? Throttle { get; init; }

        public TimeSpan? Ramp { get; init; }

        public double RampFloor { get; init; } = 0.1;

        public bool Shadow { get; init; }

        public TimeSpan? PauseMinimum { get; init; }

        public TimeSpan PauseMaximum { get; init; } = TimeSpan.FromMinutes(5);

        public long BreakTicks => Break.Ticks;

        public long BucketTicks => Math.Max(1, Sampling.Ticks / Buckets);

        public override string ToString()
        {
            var text = $"consecutive {Consecutive?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"}, minimum {MinimumThroughput}, ratio {FailureRatio}, break {Break.TotalSeconds} s, probes {Probes}, successes to close {SuccessThreshold}, window {Sampling.TotalSeconds} s";
            text += SlowThreshold is { } slow ? $", slow from {slow.TotalMilliseconds} ms at ratio {SlowRatio}" : string.Empty;
            text += Throttle is { } throttle ? $", {throttle}" : string.Empty;
            text += Ramp is { } ramp ? $", ramp {ramp.TotalSeconds} s from {RampFloor}" : string.Empty;
            text += Shadow ? ", shadow" : string.Empty;
            text += PauseMinimum is { } minimum ? $", requested breaks {minimum.TotalSeconds}-{PauseMaximum.TotalSeconds} s" : string.Empty;
            return text;
        }
    }
}
