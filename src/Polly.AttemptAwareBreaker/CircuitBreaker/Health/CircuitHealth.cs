using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.AttemptAwareBreaker.SharedState;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// The counters of one circuit: the sliding window, the totals since the breaker was created, the run of consecutive failures, the
/// latest failure, and (with the slow-attempt rule) the attempts still running. Every outcome counts in the statistics; only outcomes of
/// attempts admitted by the circuit's current generation count in what the trip rules judge (<see cref="Sample"/>).
/// Not thread safe: executed under the state machine's lock.
/// </summary>
internal sealed class CircuitHealth
{
    private readonly long[] _totalAttempts = new long[4];
    private readonly long[] _totalOperations = new long[4];
    private readonly long[] _shadowAttempts = new long[4];
    private SlidingWindow? _window;
    private InFlightAttempts? _inFlight;
    private long _windowTicks;
    private long _lastFailureAt; // a timestamp of the breaker's clock; turned into a time of day only for a snapshot
    private bool _hasFailed;

    /// <summary>Gets the failed attempts of the current generation since the last successful one.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Gets the exception of the latest failed attempt, if it failed with one.</summary>
    public Exception? LastFailureException { get; private set; }

    /// <summary>Gets the number of rejected calls since the breaker was created.</summary>
    public long TotalRejections { get; private set; }

    /// <summary>Gets the attempts since the breaker was created, by class.</summary>
    public OutcomeCounts TotalAttempts => ToCounts(_totalAttempts);

    /// <summary>Gets the slow attempts since the breaker was created.</summary>
    public long TotalSlow { get; private set; }

    private SlidingWindow Window => _window!;

    /// <summary>Sets the window's length; the window restarts empty only when the length changes.</summary>
    /// <param name="windowTicks">The length in timestamp ticks of the breaker's clock.</param>
    public void UseWindow(long windowTicks)
    {
        if (_window is null || windowTicks != _windowTicks)
        {
            _windowTicks = windowTicks;
            _window = new SlidingWindow(windowTicks, _window);
        }
    }

    /// <summary>Sets the slow threshold: attempts admitted from now on are followed while they run (none when <see langword="null"/>).</summary>
    /// <param name="thresholdTicks">The threshold in timestamp ticks, or <see langword="null"/>.</param>
    public void UseSlowThreshold(long? thresholdTicks)
    {
        if (thresholdTicks != _inFlight?.ThresholdTicks)
        {
            _inFlight = thresholdTicks is { } ticks ? new InFlightAttempts(ticks) : null;
        }
    }

    /// <summary>Follows an attempt of the current generation while it runs, when the slow-attempt rule is on.</summary>
    /// <param name="startedAt">When it started.</param>
    public void Start(long startedAt) => _inFlight?.Add(startedAt);

    /// <summary>Returns whether an attempt still running has taken longer than the slow threshold.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns><see langword="true"/> when one has.</returns>
    public bool HasOverdue(long now) => _inFlight?.Overdue(now) > 0;

    /// <summary>Forgets the attempts running: they belong to an earlier generation now.</summary>
    public void ForgetRunning() => _inFlight?.Clear();

    /// <summary>Counts the outcome of one attempt.</summary>
    /// <param name="operation">The attempt's operation, or <see langword="null"/> for a single-attempt operation.</param>
    /// <param name="outcomeClass">The class of the outcome.</param>
    /// <param name="exception">The exception of a failed attempt.</param>
    /// <param name="now">When the attempt finished, a timestamp of the breaker's clock.</param>
    /// <param name="judged">Whether the trip rules judge the outcome: the attempt was admitted by the circuit's current generation.</param>
    /// <param name="startedAt">When the attempt started.</param>
    /// <returns><see langword="true"/> when the attempt was slow (it took at least the slow threshold).</returns>
    public bool Count(OperationRecord? operation, OutcomeClass outcomeClass, Exception? exception, long now, bool judged, long startedAt)
    {
        var cls = (int)outcomeClass;
        var bucket = Window.Current(now);
        bucket.Attempts[cls]++;
        _totalAttempts[cls]++;
        CountOperation(operation, cls, bucket, now);

        var slow = _inFlight is { } inFlight && outcomeClass != OutcomeClass.Ignored && now - startedAt >= inFlight.ThresholdTicks;
        if (slow)
        {
            TotalSlow++;
            bucket.Slow++;
            if (judged)
            {
                bucket.HealthSlow++;
            }
        }

        if (judged)
        {
            _inFlight?.Remove(startedAt);
        }

        if (outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure)
        {
            _lastFailureAt = now;
            _hasFailed = true;
            LastFailureException = exception;
            if (judged)
            {
                bucket.HealthFailures++;
                ConsecutiveFailures++;
            }
        }
        else if (outcomeClass == OutcomeClass.Success && judged)
        {
            bucket.HealthSuccesses++;
            if (ConsecutiveFailures != 0)
            {
                // Written only when it changes: the closed-path admission reads the state word near it without the lock.
                ConsecutiveFailures = 0;
            }
        }

        return slow;
    }

    /// <summary>Counts the outcome of a shadow attempt (one a breaker in shadow mode would have rejected and let go ahead).</summary>
    /// <param name="outcomeClass">The class of its outcome.</param>
    public void CountShadow(OutcomeClass outcomeClass) => _shadowAttempts[(int)outcomeClass]++;

    /// <summary>Counts a rejected call.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void CountRejection(long now)
    {
        TotalRejections++;
        Window.Current(now).Rejections++;
    }

    /// <summary>Returns what the trip rules judge at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="admittedShare">The share of attempts a recovery ramp admits (1 without one).</param>
    /// <returns>The sample.</returns>
    /// <param name="throttleShedding">Whether adaptive throttling sheds load below its maximum.</param>
    public HealthSample Sample(long now, double admittedShare, bool throttleShedding = false)
    {
        Window.SumHealth(now, out var successes, out var failures, out var slow, out _);
        return new HealthSample(successes, failures, ConsecutiveFailures, slow, _inFlight?.Overdue(now) ?? 0, admittedShare, throttleShedding);
    }

    /// <summary>Forgets the window and the run of failures: the circuit closed.</summary>
    public void Reset()
    {
        Window.Reset();
        ConsecutiveFailures = 0;
    }


    /// <summary>Takes a snapshot of the counters with the circuit's state, which the caller adds.</summary>
    /// <param name="state">The circuit's state.</param>
    /// <param name="settings">The breaker's settings.</param>
    /// <param name="probes">The half-open probe slots.</param>
    /// <param name="fleet">The fleet link, when the circuit is shared.</param>
    /// <param name="retryAfter">The time left in the break, when open.</param>
    /// <param name="lastStateChange">When the state last changed.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="clock">The breaker's clock.</param>
    /// <returns>The snapshot.</returns>
    public CircuitSnapshot ToSnapshot(
        CircuitState state,
        BreakerSettings settings,
        ProbeSlots probes,
        FleetLink? fleet,
        TimeSpan? retryAfter,
        DateTimeOffset? lastStateChange,
        long now,
        BreakerClock clock)
    {
        Window.Sum(now, out var windowAttempts, out var windowOperations, out var windowRejections, out var windowSlow);
        var utcNow = clock.UtcNow;
        return new CircuitSnapshot(
            state,
            ConsecutiveFailures,
            windowAttempts,
            windowOperations,
            windowRejections,
            ToCounts(_totalAttempts),
            ToCounts(_totalOperations),
            TotalRejections,
            windowSlow,
            TotalSlow,
            ToCounts(_shadowAttempts),
            probes.InFlight,
            probes.TotalAdmitted,
            fleet?.Status ?? SharedStateStatus.None,
            fleet?.ScopeOf(state) ?? (state == CircuitState.Closed ? CircuitOpenScope.None : CircuitOpenScope.Local),
            fleet?.Quorum(),
            retryAfter,
            _hasFailed ? utcNow - clock.Elapsed(_lastFailureAt, now) : null,
            LastFailureException,
            lastStateChange,
            utcNow,
            settings.IsShadow ? CircuitBreakerEnforcement.Shadow : CircuitBreakerEnforcement.Enforcing);
    }

    private static OutcomeCounts ToCounts(long[] counts) => new(counts[0], counts[1], counts[2], counts[3]);

    private void CountOperation(OperationRecord? operation, int cls, WindowBucket bucket, long now)
    {
        if (operation is not null)
        {
            // An operation is counted once, in the class of its latest attempt: move it out of its previous class.
            if (operation.CountedClass >= 0)
            {
                _totalOperations[operation.CountedClass]--;
                if (Window.Find(operation.CountedBucketId, now) is { } previous)
                {
                    previous.Operations[operation.CountedClass]--;
                }
            }

            operation.CountedClass = cls;
            operation.CountedBucketId = bucket.Id;
        }

        // Without a record the attempt is a single-attempt operation (the gate without a context).
        bucket.Operations[cls]++;
        _totalOperations[cls]++;
    }
}
