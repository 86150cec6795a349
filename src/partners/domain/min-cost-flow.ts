/**
 * Min-cost max-flow by successive shortest paths, Dijkstra on reduced costs (Johnson potentials).
 * Successive shortest paths run to the maximum flow give, among all maximum flows, one of least cost:
 * exactly "match as many laureates as possible, then maximise compatibility" without a bonus constant.
 * Costs must be integers (no floating ties). Deterministic: ties go to the lowest node index, and
 * edges are scanned in insertion order.
 */
export class MinCostFlow {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly cost: number[] = [];
  private readonly next: number[] = [];
  private readonly last: number[];
  private readonly original: number[] = [];

  constructor(readonly nodeCount: number) {
    this.head = new Array<number>(nodeCount).fill(-1);
    this.last = new Array<number>(nodeCount).fill(-1);
  }

  /** Adds u → v and its residual twin; returns the edge's index (for `flowOn`). */
  addEdge(u: number, v: number, capacity: number, cost: number): number {
    if (!Number.isSafeInteger(cost) || !Number.isSafeInteger(capacity) || capacity < 0) {
      throw new Error(`edge ${u}->${v} needs an integer cost and a non-negative integer capacity`);
    }
    const e = this.to.length;
    this.push(u, v, capacity, cost);
    this.push(v, u, 0, -cost);
    this.original[e] = capacity;
    return e;
  }

  flowOn(edge: number): number {
    return this.original[edge] - this.cap[edge];
  }

  /** Pushes flow from s to t until no augmenting path is left (or `limit` is reached). */
  run(s: number, t: number, limit = Number.POSITIVE_INFINITY): { flow: number; cost: number } {
    const n = this.nodeCount;
    const potential = this.initialPotentials(s);
    const dist = new Array<number>(n);
    const prevEdge = new Array<number>(n);
    const done = new Uint8Array(n);
    let flow = 0;
    let totalCost = 0;
    while (flow < limit) {
      dist.fill(Number.POSITIVE_INFINITY);
      prevEdge.fill(-1);
      done.fill(0);
      dist[s] = 0;
      const heap = new NodeHeap();
      heap.push(0, s);
      while (heap.size) {
        const [d, u] = heap.pop();
        if (done[u] || d !== dist[u]) continue;
        done[u] = 1;
        // Everything farther than t cannot be on this round's path; its potential is capped below.
        if (u === t) break;
        for (let e = this.head[u]; e !== -1; e = this.next[e]) {
          if (this.cap[e] <= 0) continue;
          const v = this.to[e];
          const nd = d + this.cost[e] + potential[u] - potential[v];
          if (nd < dist[v]) {
            dist[v] = nd;
            prevEdge[v] = e;
            heap.push(nd, v);
          }
        }
      }
      if (!done[t]) break;
      // Nodes not settled before t are at least dist[t] away: adding dist[t] to them keeps every
      // residual reduced cost non-negative although the search stopped early.
      const dt = dist[t];
      for (let v = 0; v < n; v++) potential[v] += done[v] ? dist[v] : dt;
      const path: number[] = [];
      for (let v = t; v !== s; v = this.to[prevEdge[v] ^ 1]) path.push(prevEdge[v]);
      let pushed = this.augment(path, limit - flow);
      flow += pushed.flow;
      totalCost += pushed.cost;
      // Every other path of zero reduced cost is as short: take them all before searching again.
      pushed = this.augmentAdmissible(s, t, potential, limit - flow);
      flow += pushed.flow;
      totalCost += pushed.cost;
    }
    return { flow, cost: totalCost };
  }

  private augment(path: readonly number[], limit: number): { flow: number; cost: number } {
    let push = limit;
    for (const e of path) push = Math.min(push, this.cap[e]);
    let cost = 0;
    for (const e of path) {
      this.cap[e] -= push;
      this.cap[e ^ 1] += push;
      cost += push * this.cost[e];
    }
    return { flow: push, cost };
  }

  /**
   * Depth-first augmentations along residual edges of zero reduced cost (iterative, with current-arc
   * pointers). A node found to lead nowhere is skipped for the rest of the round; a path missed that
   * way is found by the next Dijkstra, so this only saves rounds and never changes optimality.
   */
  private augmentAdmissible(s: number, t: number, potential: readonly number[], limit: number): { flow: number; cost: number } {
    const n = this.nodeCount;
    const arc = [...this.head];
    const dead = new Uint8Array(n);
    const onPath = new Uint8Array(n);
    let flow = 0;
    let cost = 0;
    while (flow < limit) {
      const path: number[] = [];
      let u = s;
      onPath[s] = 1;
      while (u !== t) {
        let e = arc[u];
        for (; e !== -1; e = this.next[e]) {
          const v = this.to[e];
          if (this.cap[e] > 0 && !dead[v] && !onPath[v] && this.cost[e] + potential[u] - potential[v] === 0) break;
        }
        arc[u] = e;
        if (e !== -1) {
          path.push(e);
          u = this.to[e];
          onPath[u] = 1;
          continue;
        }
        if (u === s) {
          onPath[s] = 0;
          return { flow, cost };
        }
        dead[u] = 1;
        onPath[u] = 0;
        u = this.to[path.pop()! ^ 1];
        arc[u] = this.next[arc[u]];
      }
      const pushed = this.augment(path, limit - flow);
      flow += pushed.flow;
      cost += pushed.cost;
      onPath[s] = 0;
      for (const e of path) onPath[this.to[e]] = 0;
    }
    return { flow, cost };
  }

  private push(u: number, v: number, capacity: number, cost: number): void {
    const e = this.to.length;
    this.to.push(v);
    this.cap.push(capacity);
    this.cost.push(cost);
    this.next.push(-1);
    // Appending keeps scans in insertion order, hence ties broken by the caller's order.
    if (this.last[u] === -1) this.head[u] = e;
    else this.next[this.last[u]] = e;
    this.last[u] = e;
  }

  /** Shortest distances from s with negative costs allowed (Bellman-Ford, stops once stable). */
  private initialPotentials(s: number): number[] {
    const n = this.nodeCount;
    const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
    dist[s] = 0;
    for (let round = 0; round < n; round++) {
      let changed = false;
      for (let u = 0; u < n; u++) {
        if (dist[u] === Number.POSITIVE_INFINITY) continue;
        for (let e = this.head[u]; e !== -1; e = this.next[e]) {
          if (this.cap[e] > 0 && dist[u] + this.cost[e] < dist[this.to[e]]) {
            dist[this.to[e]] = dist[u] + this.cost[e];
            changed = true;
          }
        }
      }
      if (!changed) break;
      if (round === n - 1) throw new Error('negative cycle in the flow network');
    }
    return dist.map((d) => (d === Number.POSITIVE_INFINITY ? 0 : d));
  }
}

/** Binary min-heap on (distance, node): equal distances pop the lower node first. */
class NodeHeap {
  private readonly keys: number[] = [];
  private readonly nodes: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, node: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.nodes.push(node);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.nodes[0]];
    const lastKey = this.keys.pop()!;
    const lastNode = this.nodes.pop()!;
    if (this.keys.length) {
      this.keys[0] = lastKey;
      this.nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.nodes[a] < this.nodes[b]);
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.nodes[a], this.nodes[b]] = [this.nodes[b], this.nodes[a]];
  }
}
