using System.Globalization;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis;

/// <summary>
/// One breaker's circuit shared through Redis.
/// </summary>
/// <remarks>
/// <para>Keys (the breaker's name in braces keeps a breaker's keys in one cluster slot):</para>
/// <list type="bullet">
/// <item><description><c>{prefix}:{name}:w:{epoch}</c> — a hash of successes (<c>s</c>) and failures (<c>f</c>) per tenth of the sampling
/// duration, expiring after the window.</description></item>
/// <item><description><c>{prefix}:{name}:state</c> — <c>open:{unix ms}</c> while the fleet's circuit is open, expiring with the break.</description></item>
/// <item><description><c>{prefix}:{name}:probe:{slot}</c> — the instance holding a half-open probe slot, expiring with the lease.</description></item>
/// <item><description>channel <c>{prefix}:{name}:events</c> — <c>open|{unix ms}|{instance}</c> and <c>close||{instance}</c>.</description></item>
/// </list>
/// <para>A background loop sends the local counts and reads the fleet's in one script call per flush interval; the call path of a
/// closed circuit never waits for Redis. Every Redis failure is caught, reported once as degraded, and retried on the next flush.</para>
/// </remarks>
internal sealed class RedisSharedCircuitState : ISharedCircuitState
{
    private const int Buckets = 10;

    private const string FlushScript = """
        if tonumber(ARGV[1]) > 0 then redis.call('HINCRBY', KEYS[1], 's', ARGV[1]) end
        if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[1], 'f', ARGV[2]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        local s, f = 0, 0
        local epoch = tonumber(ARGV[4])
        for i = 0, tonumber(ARGV[5]) - 1 do
          local v = redis.call('HMGET', ARGV[6] .. (epoch - i), 's', 'f')
          s = s + (tonumber(v[1]) or 0)
          f = f + (tonumber(v[2]) or 0)
        end
        return { s, f, redis.call('GET', KEYS[2]) or '' }
        """;

    private const string AcquireProbeScript = """
        for i = 0, tonumber(ARGV[1]) - 1 do
          if redis.call('SET', ARGV[2] .. i, ARGV[3], 'NX', 'PX', ARGV[4]) then return i end
        end
        return -1
        """;

    private const string ReleaseProbeScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly SharedCircuitHost _host;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisCircuitStateOptions _options;
    private readonly string _keyBase;
    private readonly RedisChannel _channel;
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _flushTimeout;
    private OutcomeCounts _flushed;
    private DateTimeOffset? _degradedSince;
    private bool _subscribed;

    public RedisSharedCircuitState(SharedCircuitHost host, IConnectionMultiplexer redis, RedisCircuitStateOptions options)
    {
        _host = host;
        _redis = redis;
        _options = options;
        _keyBase = $"{options.KeyPrefix}:{{{host.Name}}}";
        _channel = RedisChannel.Literal(_keyBase + ":events");
        _onMessage = OnMessage;
        _flushTimeout = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, options.FlushInterval.Ticks * 5));
        _flushed = host.GetLocalAttempts();
        _ = Task.Run(() => RunAsync(_stop.Token));
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (_subscribed)
        {
            Safely(() => _redis.GetSubscriber().Unsubscribe(_channel, _onMessage, CommandFlags.FireAndForget));
        }
    }

    public void OnLocalStateChanged(CircuitState state, DateTimeOffset? openUntil)
    {
        Safely(() =>
        {
            var database = _redis.GetDatabase();
            var subscriber = _redis.GetSubscriber();
            if (state == CircuitState.Open && openUntil is { } until && until - _host.TimeProvider.GetUtcNow() is { Ticks: > 0 } left)
            {
                var ms = until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                database.StringSet(Key("state"), "open:" + ms, left, flags: CommandFlags.FireAndForget);
                subscriber.Publish(_channel, $"open|{ms}|{_options.InstanceId}", CommandFlags.FireAndForget);
            }
            else if (state == CircuitState.Closed)
            {
                database.KeyDelete(Key("state"), CommandFlags.FireAndForget);
                subscriber.Publish(_channel, $"close||{_options.InstanceId}", CommandFlags.FireAndForget);
            }
        });
    }

    public async ValueTask<int?> TryAcquireProbeAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _redis.GetDatabase()
                .ScriptEvaluateAsync(AcquireProbeScript, values: [_host.HalfOpenMaxProbes, KeyText("probe:"), _options.InstanceId, Math.Max(1, (long)lease.TotalMilliseconds)])
                .WaitAsync(_options.ProbeTimeout, _host.TimeProvider, cancellationToken)
                .ConfigureAwait(false);
            var slot = (long)result;
            return slot < 0 ? null : (int)slot;
        }
#pragma warning disable CA1031 // Redis must never fail a call: the breaker then decides alone.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Degraded(ex);
            return -1;
        }
#pragma warning restore CA1031
    }

    public void ReleaseProbe(int slot)
        => Safely(() => _redis.GetDatabase().ScriptEvaluate(ReleaseProbeScript, [Key($"probe:{slot}")], [_options.InstanceId], CommandFlags.FireAndForget));

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await SubscribeAsync().ConfigureAwait(false);
                await FlushAsync(stop).ConfigureAwait(false);
                await Task.Delay(_options.FlushInterval, _host.TimeProvider, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task SubscribeAsync()
    {
        if (_subscribed)
        {
            return;
        }

        try
        {
            // The connection re-subscribes by itself after a reconnect; only a first subscription that failed is retried here.
            await _redis.GetSubscriber().SubscribeAsync(_channel, _onMessage).WaitAsync(_flushTimeout, _host.TimeProvider).ConfigureAwait(false);
            _subscribed = true;
        }
#pragma warning disable CA1031 // Retried on the next flush.
        catch (Exception ex)
        {
            Degraded(ex);
        }
#pragma warning restore CA1031
    }

    private async Task FlushAsync(CancellationToken stop)
    {
        var local = _host.GetLocalAttempts();
        var now = _host.TimeProvider.GetUtcNow();
        var bucketMs = Math.Max(1, (long)(_host.SamplingDuration.TotalMilliseconds / Buckets));
        var epoch = now.ToUnixTimeMilliseconds() / bucketMs;
        try
        {
            var result = (RedisResult[]?)await _redis.GetDatabase()
                .ScriptEvaluateAsync(
                    FlushScript,
                    [Key($"w:{epoch}"), Key("state")],
                    [local.Successes - _flushed.Successes, local.Failures - _flushed.Failures, bucketMs * (Buckets + 1), epoch, Buckets, KeyText("w:")])
                .WaitAsync(_flushTimeout, _host.TimeProvider, stop)
                .ConfigureAwait(false);

            _flushed = local;
            if (_degradedSince is not null)
            {
                _degradedSince = null;
                _host.ReportConnected();
            }

            _host.ApplyFleetWindow((long)result![0], (long)result[1], local);
            if (((string?)result[2]) is { } state && state.StartsWith("open:", StringComparison.Ordinal)
                && long.TryParse(state.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var untilMs))
            {
                _host.ApplyFleetOpened(DateTimeOffset.FromUnixTimeMilliseconds(untilMs));
            }
        }
#pragma warning disable CA1031 // Redis down or slow: keep the local counts for the next flush, unless they are older than the window.
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            Degraded(ex);
            if (now - _degradedSince > _host.SamplingDuration)
            {
                _flushed = local;
            }
        }
#pragma warning restore CA1031
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var parts = ((string?)message)?.Split('|');
        if (parts is not { Length: 3 } || parts[2] == _options.InstanceId)
        {
            return;
        }

        if (parts[0] == "open" && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var untilMs))
        {
            _host.ApplyFleetOpened(DateTimeOffset.FromUnixTimeMilliseconds(untilMs));
        }
        else if (parts[0] == "close")
        {
            _host.ApplyFleetClosed();
        }
    }

    private void Degraded(Exception error)
    {
        _degradedSince ??= _host.TimeProvider.GetUtcNow();
        _host.ReportDegraded(error);
    }

    private void Safely(Action send)
    {
        try
        {
            send();
        }
#pragma warning disable CA1031 // Fire-and-forget sends: a failure is a degradation, never the caller's error.
        catch (Exception ex)
        {
            Degraded(ex);
        }
#pragma warning restore CA1031
    }

    private RedisKey Key(string suffix) => KeyText(suffix);

    private string KeyText(string suffix) => _keyBase + ":" + suffix;
}
