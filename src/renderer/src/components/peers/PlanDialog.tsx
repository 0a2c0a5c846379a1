import { memo, useState } from 'react';
import type { PreviewResult } from '../../../../shared/peer-ops.ts';
import { DEFAULT_CONFIRM_TIMEOUT, parseConfirmTimeout } from '../../lib/peer-forms.ts';
import { operationTitle } from '../../lib/plan-view.ts';
import { useNow } from '../../lib/ticker.ts';
import {
  applyPlan,
  cancelPlan,
  previewAgain,
  selectPeerState,
  usePeerFlows,
  type FlowState,
} from '../../store/peer-flow.ts';
import { Modal } from '../common.tsx';
import { ApplyError } from './ApplyError.tsx';
import { ApplyOptions } from './ApplyOptions.tsx';
import { ApplyProgress } from './ApplyProgress.tsx';
import { ErrorCallout } from './ErrorCallout.tsx';
import { PlanPreview } from './PlanPreview.tsx';

const Preview = memo(PlanPreview);

type PlanStage = Extract<FlowState, { plan: PreviewResult }>;

/** The ways out of a plan short of applying it: drop it, or plan the same request afresh. */
const PLAN_ACTIONS = {
  cancel: { run: cancelPlan, className: 'button button-quiet', testId: 'plan-cancel' },
  'preview-again': { run: previewAgain, className: 'button', testId: 'preview-again' },
} as const;

function PlanActionButton({
  action,
  server,
  iface,
  label,
}: {
  action: keyof typeof PLAN_ACTIONS;
  server: string;
  iface: string;
  label: string;
}) {
  const { run, className, testId } = PLAN_ACTIONS[action];
  return (
    <button type="button" className={className} onClick={() => run(server, iface)} data-testid={testId}>
      {label}
    </button>
  );
}

/** The preview of one plan, how to apply it, and the apply while it runs or after it failed. */
function PlanBody({ server, iface, flow }: { server: string; iface: string; flow: PlanStage }) {
  const { plan } = flow;
  const { preview } = plan;
  const [timeout, setTimeoutText] = useState(String(DEFAULT_CONFIRM_TIMEOUT));
  const [restart, setRestart] = useState(false);
  const [showRestart, setShowRestart] = useState(preview.blockers.length > 0);
  const now = useNow();
  const expired = flow.stage === 'preview' && now > plan.expiresAt;
  const editable = flow.stage === 'preview';
  const needsTimeout = preview.tier !== 0 || restart;
  const confirmTimeout = parseConfirmTimeout(timeout);
  const timeoutError =
    needsTimeout && confirmTimeout === null ? 'a whole number of seconds from 10 to 3600' : null;
  const blocked = preview.blockers.length > 0 && !restart;
  const canApply = editable && !expired && !blocked && timeoutError === null;
  const restartOffered = preview.blockers.length > 0 || preview.tier > 0;

  const apply = () => {
    if (!canApply) return;
    void applyPlan(server, iface, {
      confirmTimeoutSeconds: needsTimeout ? confirmTimeout : null,
      restart,
    });
  };

  return (
    <>
      {flow.stage === 'apply-failed' && (
        <ApplyError error={flow.error} onPreviewAgain={() => previewAgain(server, iface)} />
      )}
      {flow.stage === 'applying' && <ApplyProgress server={server} iface={iface} planId={flow.plan.planId} />}
      {flow.stage === 'apply-failed' && (
        <ApplyProgress server={server} iface={iface} planId={flow.plan.planId} failed />
      )}
      {flow.stage === 'apply-failed' ? (
        <details className="plan-not-applied">
          <summary>The plan that was not applied</summary>
          <div className="plan-scroll">
            <Preview preview={preview} restart={restart} />
          </div>
        </details>
      ) : (
        <div className="plan-scroll">
          <Preview preview={preview} restart={restart} />
        </div>
      )}
      {flow.stage === 'preview' && (
        <ApplyOptions
          iface={iface}
          tier={preview.tier}
          timeout={timeout}
          timeoutError={timeoutError}
          onTimeout={setTimeoutText}
          showRestart={showRestart}
          onShowRestart={() => setShowRestart(true)}
          restartOffered={restartOffered}
          restart={restart}
          onRestart={setRestart}
          disabled={!editable}
        />
      )}
      {expired && (
        <div className="callout" data-tone="warn" data-testid="plan-expired">
          <p className="callout-message">This preview has expired; nothing was changed.</p>
          <div className="button-row">
            <PlanActionButton action="preview-again" server={server} iface={iface} label="Preview again" />
          </div>
        </div>
      )}
      <div className="button-row end modal-actions">
        {blocked && editable && <span className="small muted apply-blocked">Blocked: see above.</span>}
        {flow.stage !== 'applying' && (
          <PlanActionButton
            action="cancel"
            server={server}
            iface={iface}
            label={flow.stage === 'apply-failed' ? 'Close' : 'Cancel'}
          />
        )}
        {flow.stage !== 'apply-failed' && (
          <button
            type="button"
            className={`button ${restart ? 'button-danger' : 'button-primary'}`}
            onClick={apply}
            disabled={!canApply}
            data-testid="apply-button"
          >
            {flow.stage === 'applying' ? 'Applying…' : restart ? `Apply by restarting ${iface}` : 'Apply'}
          </button>
        )}
      </div>
    </>
  );
}

function Planning() {
  return (
    <div className="plan-planning" role="status" data-testid="plan-planning">
      <span className="spinner spinner-small" aria-hidden="true" />
      Planning… nothing changes on the server until you apply.
    </div>
  );
}

/**
 * The preview dialog (`plan-preview`) of an interface. Cancel discards the plan; while an apply runs
 * the dialog stays (the apply cannot be stopped halfway, and its outcome matters).
 */
export function PlanDialog({ server, iface }: { server: string; iface: string }) {
  const flow = usePeerFlows(selectPeerState(server, iface)).flow;
  const title = flow ? (flow.source.title ?? operationTitle(flow.source.request.operation, iface)) : '';
  return (
    <Modal
      open={flow !== null}
      onClose={() => cancelPlan(server, iface)}
      title={title}
      testId="plan-preview"
      className="modal-wide"
    >
      {flow?.stage === 'planning' && <Planning />}
      {flow?.stage === 'plan-failed' && (
        <>
          <ErrorCallout error={flow.error} title="Could not plan this change" testId="plan-error" />
          <div className="button-row end">
            <PlanActionButton action="cancel" server={server} iface={iface} label="Close" />
            <PlanActionButton action="preview-again" server={server} iface={iface} label="Try again" />
          </div>
        </>
      )}
      {flow && 'plan' in flow && (
        <PlanBody key={flow.plan.planId} server={server} iface={iface} flow={flow} />
      )}
    </Modal>
  );
}
