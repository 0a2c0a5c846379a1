import { create } from 'zustand';
import type {
  ApplyRequest,
  ApplyResult,
  ClientConfigResult,
  PreviewRequest,
  PreviewResult,
} from '../../../shared/peer-ops.ts';
import { rememberKept } from '../lib/config-view.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { txKey } from '../lib/plan-view.ts';
import { call, clearPeerTx } from './store.ts';

/**
 * Peer changes per interface: preview → apply, the outcome, and the new peers' client configs still
 * to show. Kept here rather than in a component, so an apply that outlives its screen (the interface
 * restarting, the admin switching tabs) still lands: the private key of a new peer is shown once, and
 * must not be lost because a component unmounted.
 */

/** What is being planned: the preview request, and what to do with new peers' keys on apply. */
export interface PlanSource {
  request: PreviewRequest;
  keepPrivateKeys: boolean;
  /** The dialog's title, naming the peer ("Disable “alice” on wg0"); else made from the operation. */
  title?: string;
}

export type FlowState =
  | { stage: 'planning'; source: PlanSource }
  | { stage: 'plan-failed'; source: PlanSource; error: ApiError }
  | { stage: 'preview'; source: PlanSource; plan: PreviewResult }
  | { stage: 'applying'; source: PlanSource; plan: PreviewResult; startedAt: number }
  | { stage: 'apply-failed'; source: PlanSource; plan: PreviewResult; error: ApiError };

export interface ApplyChoice {
  /** Null for a change that cannot cut anyone off (tier 0): the engine's default is not sent. */
  confirmTimeoutSeconds: number | null;
  restart: boolean;
}

export interface InterfacePeerState {
  flow: FlowState | null;
  /** The last successful apply, for the banner. */
  applied: ApplyResult | null;
  /** Client configs still to show (the first one is on screen). */
  clients: ClientConfigResult[];
  /** Bumped after every apply attempt: the config view reloads. */
  revision: number;
}

const EMPTY: InterfacePeerState = { flow: null, applied: null, clients: [], revision: 0 };

export const usePeerFlows = create<Record<string, InterfacePeerState>>()(() => ({}));

export function selectPeerState(server: string, iface: string) {
  const key = txKey(server, iface);
  return (s: Record<string, InterfacePeerState>): InterfacePeerState => s[key] ?? EMPTY;
}

function update(server: string, iface: string, patch: Partial<InterfacePeerState>): void {
  const key = txKey(server, iface);
  usePeerFlows.setState((s) => ({ [key]: { ...(s[key] ?? EMPTY), ...patch } }));
}

function get(server: string, iface: string): InterfacePeerState {
  return usePeerFlows.getState()[txKey(server, iface)] ?? EMPTY;
}

const generations = new Map<string, number>();
function nextGeneration(key: string): number {
  const n = (generations.get(key) ?? 0) + 1;
  generations.set(key, n);
  return n;
}
const current = (key: string, n: number) => generations.get(key) === n;

/** Plans nobody applied yet, per interface: discarded when replaced or cancelled. */
const openPlans = new Map<string, string>();

function discard(planId: string): void {
  // The engine forgets the plan and any key made for it; an unknown or spent plan is no problem.
  call('peers:discard', planId).catch(() => undefined);
}

function dropOpenPlan(key: string): void {
  const planId = openPlans.get(key);
  if (planId) discard(planId);
  openPlans.delete(key);
}

/** Shows a preview the caller already made (a form, which shows its own errors in place). */
export function showPlan(source: PlanSource, plan: PreviewResult): void {
  const { server, iface } = source.request;
  const key = txKey(server, iface);
  nextGeneration(key);
  dropOpenPlan(key);
  openPlans.set(key, plan.planId);
  update(server, iface, { flow: { stage: 'preview', source, plan } });
}

/** Previews inside the dialog (row actions, restore, reconcile, "Preview again"). */
export async function planOperation(source: PlanSource): Promise<void> {
  const { server, iface } = source.request;
  const key = txKey(server, iface);
  if (get(server, iface).flow?.stage === 'applying') return;
  const mine = nextGeneration(key);
  dropOpenPlan(key);
  update(server, iface, { flow: { stage: 'planning', source } });
  try {
    const plan = await call('peers:preview', source.request);
    if (!current(key, mine)) {
      discard(plan.planId);
      return;
    }
    openPlans.set(key, plan.planId);
    update(server, iface, { flow: { stage: 'preview', source, plan } });
  } catch (error) {
    if (current(key, mine))
      update(server, iface, { flow: { stage: 'plan-failed', source, error: toApiError(error) } });
  }
}

/** Closes the dialog and discards its plan; refused while an apply runs (it cannot be stopped). */
export function cancelPlan(server: string, iface: string): void {
  if (get(server, iface).flow?.stage === 'applying') return;
  const key = txKey(server, iface);
  nextGeneration(key);
  dropOpenPlan(key);
  update(server, iface, { flow: null });
}

export function previewAgain(server: string, iface: string): void {
  const flow = get(server, iface).flow;
  if (flow && flow.stage !== 'applying') void planOperation(flow.source);
}

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

export async function applyPlan(server: string, iface: string, choice: ApplyChoice): Promise<void> {
  const flow = get(server, iface).flow;
  if (flow?.stage !== 'preview') return;
  const { source, plan } = flow;
  const key = txKey(server, iface);
  const mine = nextGeneration(key);
  const request: ApplyRequest = { planId: plan.planId };
  if (choice.confirmTimeoutSeconds !== null) request.confirmTimeoutSeconds = choice.confirmTimeoutSeconds;
  if (choice.restart) request.restart = true;
  if (source.keepPrivateKeys) request.keepPrivateKeys = true;
  clearPeerTx(server, iface);
  // Never discard a plan while it is applied: its generated keys are still needed.
  openPlans.delete(key);
  update(server, iface, { flow: { stage: 'applying', source, plan, startedAt: Date.now() } });
  try {
    const result = await call('peers:apply', request);
    const kept = result.clients.filter((c) => c.privateKeyKept).map((c) => c.publicKey);
    const store = storage();
    if (store) rememberKept(store, server, iface, kept);
    const state = get(server, iface);
    update(server, iface, {
      flow: current(key, mine) ? null : state.flow,
      applied: result,
      clients: [...state.clients, ...result.clients.filter((c) => c.text !== null)],
    });
  } catch (error) {
    // A refused apply (lock held, file changed) may leave the plan in memory: discard it on cancel.
    openPlans.set(key, plan.planId);
    if (current(key, mine))
      update(server, iface, { flow: { stage: 'apply-failed', source, plan, error: toApiError(error) } });
  } finally {
    update(server, iface, { revision: get(server, iface).revision + 1 });
  }
}

/** A kept peer's client config, shown again. */
export function showClientConfig(server: string, iface: string, client: ClientConfigResult): void {
  update(server, iface, { clients: [...get(server, iface).clients, client] });
}

/** The client config on screen was seen: the next one, if any. */
export function nextClientConfig(server: string, iface: string): void {
  update(server, iface, { clients: get(server, iface).clients.slice(1) });
}

export function dismissApplied(server: string, iface: string): void {
  update(server, iface, { applied: null });
}
