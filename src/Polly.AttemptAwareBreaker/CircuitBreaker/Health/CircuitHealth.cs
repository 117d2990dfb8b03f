using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// The counters of one circuit: the sliding window, the totals since the breaker was created, the run of consecutive failures and
/// the latest failure. Every outcome counts in the statistics; only outcomes of attempts admitted by the circuit's current generation
/// count in what the trip rules judge (<see cref="Sample"/>). Not thread safe: executed under the state machine's lock.
/// </summary>
internal sealed class CircuitHealth
{
    private readonly long[] _totalAttempts = new long[4];
    private readonly long[] _totalOperations = new long[4];
    private SlidingWindow? _window;
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

    /// <summary>Counts the outcome of one attempt.</summary>
    /// <param name="operation">The attempt's operation, or <see langword="null"/> for a single-attempt operation.</param>
    /// <param name="outcomeClass">The class of the outcome.</param>
    /// <param name="exception">The exception of a failed attempt.</param>
    /// <param name="now">When the attempt finished, a timestamp of the breaker's clock.</param>
    /// <param name="judged">Whether the trip rules judge the outcome: the attempt was admitted by the circuit's current generation.</param>
    public void Count(OperationRecord? operation, OutcomeClass outcomeClass, Exception? exception, long now, bool judged)
    {
        var cls = (int)outcomeClass;
        var bucket = Window.Current(now);
        bucket.Attempts[cls]++;
        _totalAttempts[cls]++;
        CountOperation(operation, cls, bucket, now);

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
    }

    /// <summary>Counts a rejected call.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    public void CountRejection(long now)
    {
        TotalRejections++;
        Window.Current(now).Rejections++;
    }

    /// <summary>Returns what the trip rules judge at <paramref name="now"/>.</summary>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <returns>The sample.</returns>
    public HealthSample Sample(long now)
    {
        Window.SumHealth(now, out var successes, out var failures);
        return new HealthSample(successes, failures, ConsecutiveFailures);
    }

    /// <summary>Forgets the window and the run of failures: the circuit closed.</summary>
    public void Reset()
    {
        Window.Reset();
        ConsecutiveFailures = 0;
    }

    /// <summary>Takes a snapshot of the counters with the circuit's state, which the caller adds.</summary>
    /// <param name="state">The circuit's state.</param>
    /// <param name="probes">The half-open probe slots.</param>
    /// <param name="sharedState">The fleet link's status.</param>
    /// <param name="retryAfter">The time left in the break, when open.</param>
    /// <param name="lastStateChange">When the state last changed.</param>
    /// <param name="now">A timestamp of the breaker's clock.</param>
    /// <param name="clock">The breaker's clock.</param>
    /// <returns>The snapshot.</returns>
    public CircuitSnapshot ToSnapshot(
        CircuitState state,
        ProbeSlots probes,
        SharedStateStatus sharedState,
        TimeSpan? retryAfter,
        DateTimeOffset? lastStateChange,
        long now,
        BreakerClock clock)
    {
        Window.Sum(now, out var windowAttempts, out var windowOperations, out var windowRejections);
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
            probes.InFlight,
            probes.TotalAdmitted,
            sharedState,
            retryAfter,
            _hasFailed ? utcNow - clock.Elapsed(_lastFailureAt, now) : null,
            LastFailureException,
            lastStateChange,
            utcNow);
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
