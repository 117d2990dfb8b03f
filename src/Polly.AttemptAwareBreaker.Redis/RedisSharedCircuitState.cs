using System.Collections.Concurrent;
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
/// <item><description><c>{prefix}:{name}:instances</c> — a hash with one field per instance: <c>{redis time ms}|{c or o}|{successes}|{failures}|{slow}|{run
/// of failures}</c>, the instance's circuit (closed or open) and window as its last flush sent them; a field not refreshed for the stale
/// time is removed.</description></item>
/// <item><description><c>{prefix}:{name}:state</c> — <c>open:{unix ms}</c> while the fleet's circuit is open, expiring with the break.</description></item>
/// <item><description><c>{prefix}:{name}:probe:{slot}</c> — the token of the probe holding a half-open probe slot, expiring with the lease.</description></item>
/// <item><description>channel <c>{prefix}:{name}:events</c> — <c>open|{unix ms}|{instance}</c> and <c>close||{instance}</c>.</description></item>
/// </list>
/// <para>A background loop writes the local window and reads the other instances' and the fleet's state in one script call per flush
/// interval; the call path of a closed circuit never waits for Redis. Each flush replaces the instance's field, so a flush that times out
/// but runs later, or one repeated after a reconnection, counts nothing twice, and a Redis that lost its data has the whole fleet's
/// windows back after one interval. Every Redis failure is caught, reported once as degraded, and retried on the next flush.</para>
/// </remarks>
internal sealed class RedisSharedCircuitState : ISharedCircuitState
{
    // Redis's own clock stamps the fields, so the instances' clocks need not agree.
    private const string FlushScript = """
        if redis.replicate_commands then redis.replicate_commands() end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('HSET', KEYS[1], ARGV[1], now .. '|' .. ARGV[2])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
        local all = redis.call('HGETALL', KEYS[1])
        local others = {}
        for i = 1, #all, 2 do
          local at = tonumber(string.match(all[i + 1], '^(%d+)|'))
          if at == nil or at < now - tonumber(ARGV[3]) then
            redis.call('HDEL', KEYS[1], all[i])
          elseif all[i] ~= ARGV[1] then
            others[#others + 1] = all[i + 1]
          end
        end
        return { redis.call('GET', KEYS[2]) or '', others }
        """;

    private const string AcquireProbeScript = """
        for i = 0, tonumber(ARGV[1]) - 1 do
          if redis.call('SET', ARGV[2] .. i, ARGV[3], 'NX', 'PX', ARGV[4]) then return i end
        end
        return -1
        """;

    private const string ReleaseProbeScript = """
        for i = 0, tonumber(ARGV[1]) - 1 do
          if redis.call('GET', ARGV[2] .. i) == ARGV[3] then return redis.call('DEL', ARGV[2] .. i) end
        end
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
    private readonly long _staleMs;
    private readonly ConcurrentDictionary<int, string> _probeTokens = new();
    private long _probeSequence;
    private volatile bool _degraded;
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

        // An instance that has not flushed for two flush timeouts is left out of the fleet (it died, or cannot reach Redis).
        _staleMs = (long)(_flushTimeout.TotalMilliseconds * 2);
        host.MinimumFailingInstances = options.MinimumFailingInstances;
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
        // Each request has its own token, so a slot granted after the caller gave up (Redis paused, then resumed) can be given back.
        var token = _options.InstanceId + ":" + Interlocked.Increment(ref _probeSequence).ToString(CultureInfo.InvariantCulture);
        try
        {
            var result = await _redis.GetDatabase()
                .ScriptEvaluateAsync(AcquireProbeScript, values: [_host.HalfOpenMaxProbes, KeyText("probe:"), token, Math.Max(1, (long)lease.TotalMilliseconds)])
                .WaitAsync(_options.ProbeTimeout, _host.TimeProvider, cancellationToken)
                .ConfigureAwait(false);
            var slot = (long)result;
            if (slot < 0)
            {
                return null;
            }

            _probeTokens[(int)slot] = token;
            return (int)slot;
        }
#pragma warning disable CA1031 // Redis must never fail a call: the breaker refuses the probe instead.
        catch (Exception ex)
        {
            ReleaseToken(token);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            Degraded(ex);
            return -1;
        }
#pragma warning restore CA1031
    }

    public void ReleaseProbe(int slot)
    {
        if (_probeTokens.TryRemove(slot, out var token))
        {
            ReleaseToken(token);
        }
    }

    /// <summary>Parses the other instances' fields as the flush script returns them.</summary>
    /// <param name="fields">The fields: <c>{time}|{c (closed) or o (open)}|{successes}|{failures}|{slow}|{run}</c>.</param>
    /// <returns>The instances' health; malformed fields are left out.</returns>
    internal static List<InstanceHealth> ParseInstances(RedisResult[] fields)
    {
        var instances = new List<InstanceHealth>(fields.Length);
        foreach (var field in fields)
        {
            var parts = ((string?)field)?.Split('|');
            if (parts is { Length: 6 } && parts[1] is "c" or "o"
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var successes)
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var failures)
                && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var slow)
                && int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var run))
            {
                instances.Add(new InstanceHealth(successes, failures, slow, run, isCircuitOpen: parts[1] == "o"));
            }
        }

        return instances;
    }

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
        var local = _host.GetLocalHealth();
        var record = string.Join("|", local.IsCircuitOpen ? "o" : "c", local.Successes, local.Failures, local.Slow, local.ConsecutiveFailures);
        try
        {
            var result = (RedisResult[]?)await _redis.GetDatabase()
                .ScriptEvaluateAsync(FlushScript, [Key("instances"), Key("state")], [_options.InstanceId, record, _staleMs])
                .WaitAsync(_flushTimeout, _host.TimeProvider, stop)
                .ConfigureAwait(false);

            // The fleet's view first: a probe that sees the store connected again sees the scope that view gives its circuit.
            _host.ApplyFleetHealth(ParseInstances((RedisResult[])result![1]!));
            if (_degraded)
            {
                _degraded = false;
                _host.ReportConnected();
            }

            if (((string?)result[0]) is { } state && state.StartsWith("open:", StringComparison.Ordinal)
                && long.TryParse(state.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var untilMs))
            {
                _host.ApplyFleetOpened(DateTimeOffset.FromUnixTimeMilliseconds(untilMs));
            }
        }
#pragma warning disable CA1031 // Redis down or slow: the next flush sends the window as it is then.
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            Degraded(ex);
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

    private void ReleaseToken(string token)
        => Safely(() => _redis.GetDatabase().ScriptEvaluate(
            ReleaseProbeScript, values: [_host.HalfOpenMaxProbes, KeyText("probe:"), token], flags: CommandFlags.FireAndForget));

    private void Degraded(Exception error)
    {
        _degraded = true;
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
